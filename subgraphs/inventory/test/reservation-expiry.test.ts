import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eq, sql } from 'drizzle-orm';
import { readEvents } from '@ordergraph/shared';
import { testLogger, viewers, waitUntil } from '@ordergraph/shared/testing';
import { reservations, stockMovements } from '../src/db/schema.js';
import { startLeasedReservationExpiry, startReservationExpiry } from '../src/reservation-expiry.js';
import { reserve, startTestbed, type Testbed } from './helpers.js';

const SKU = 'TOTE-CANVAS-NAT';
const TTL_MS = 60_000;
const CONFIRM = `mutation($input: ConfirmReservationInput!) { confirmReservation(input: $input) }`;
const RELEASE = `mutation($input: ReleaseReservationInput!) { releaseReservation(input: $input) }`;

let testbed: Testbed;
before(async () => {
  testbed = await startTestbed();
  await testbed.receive(SKU, 'wh-east', 10);
});
after(() => testbed.stop());

const log = testLogger('reservation-expiry');
const asOrders = viewers.service('orders');
const confirm = async (reservationId: string, viewer = asOrders) =>
  testbed.request(CONFIRM, { viewer, variables: { input: { reservationId } } });
const reserved = async () => (await testbed.levels(SKU))[0]?.reserved;
const eventTypes = async (reservationId: string) =>
  (
    await readEvents(testbed.inventory.handle.db, {
      streamType: 'reservation',
      streamId: reservationId,
    })
  ).map((event) => event.type);
/** makes a reservation look as if it were made `ms` ago */
const age = (reservationId: string, ms: number) =>
  testbed.inventory.handle.db
    .update(reservations)
    .set({ createdAt: sql`now() - ${ms}::integer * interval '1 millisecond'` })
    .where(eq(reservations.id, reservationId));

describe('confirmReservation', () => {
  it('confirms a reservation that holds its stock, again and again', async () => {
    await reserve(testbed, 'confirm-1', [{ sku: SKU, quantity: 1 }]);
    assert.deepEqual((await confirm('confirm-1')).data, { confirmReservation: true });
    assert.deepEqual((await confirm('confirm-1')).data, { confirmReservation: true });
    await testbed.request(RELEASE, {
      viewer: asOrders,
      variables: { input: { reservationId: 'confirm-1' } },
    });
  });

  it('is false for a reservation that was released or never made', async () => {
    await reserve(testbed, 'confirm-2', [{ sku: SKU, quantity: 1 }]);
    await testbed.request(RELEASE, {
      viewer: asOrders,
      variables: { input: { reservationId: 'confirm-2' } },
    });
    assert.deepEqual((await confirm('confirm-2')).data, { confirmReservation: false });
    assert.deepEqual((await confirm('confirm-never')).data, { confirmReservation: false });
  });

  it('is refused to anyone but a service', async () => {
    const response = await confirm('confirm-1', viewers.staff());
    assert.equal(response.errors?.[0]?.extensions?.code, 'FORBIDDEN');
  });
});

describe('reservations no order confirmed', () => {
  it('releases one past its time limit, with a ledger movement and stock.expired', async () => {
    assert.equal(await reserved(), 0);
    await reserve(testbed, 'expire-old', [{ sku: SKU, quantity: 3 }]);
    await reserve(testbed, 'expire-confirmed', [{ sku: SKU, quantity: 2 }]);
    await reserve(testbed, 'expire-young', [{ sku: SKU, quantity: 1 }]);
    await confirm('expire-confirmed');
    await age('expire-old', TTL_MS + 1_000);
    await age('expire-confirmed', TTL_MS + 1_000);
    assert.equal(await reserved(), 6);

    const expiry = startReservationExpiry({
      handle: testbed.inventory.handle,
      ttlMs: TTL_MS,
      log,
      pollIntervalMs: 3_600_000,
    });
    try {
      assert.equal(await expiry.sweep(), 1);
      assert.equal(await expiry.sweep(), 0);
    } finally {
      await expiry.stop();
    }
    assert.equal(await reserved(), 3);
    const movements = await testbed.inventory.handle.db
      .select()
      .from(stockMovements)
      .where(eq(stockMovements.reference, 'expire-old'));
    assert.deepEqual(
      movements.map(({ kind, quantity, onHandChange, reservedChange, actor, note }) => ({
        kind,
        quantity,
        onHandChange,
        reservedChange,
        actor,
        note,
      })),
      [
        {
          kind: 'RESERVATION',
          quantity: 3,
          onHandChange: 0,
          reservedChange: 3,
          actor: 'orders',
          note: null,
        },
        {
          kind: 'RELEASE',
          quantity: 3,
          onHandChange: 0,
          reservedChange: -3,
          actor: 'inventory',
          note: `not confirmed by an order within ${TTL_MS} ms`,
        },
      ],
    );
    assert.deepEqual(await eventTypes('expire-old'), ['stock.reserved', 'stock.expired']);
    assert.deepEqual(await eventTypes('expire-confirmed'), ['stock.reserved']);
    // the order that comes too late learns its stock is gone
    assert.deepEqual((await confirm('expire-old')).data, { confirmReservation: false });
    for (const reservationId of ['expire-confirmed', 'expire-young']) {
      await testbed.request(RELEASE, { viewer: asOrders, variables: { input: { reservationId } } });
    }
  });

  it('releases them on its own, on the replica holding the lease', async () => {
    await reserve(testbed, 'expire-leased', [{ sku: SKU, quantity: 2 }]);
    await age('expire-leased', 5_000);
    const expiry = await startLeasedReservationExpiry({
      handle: testbed.inventory.handle,
      ttlMs: 1_000,
      log,
      leaseTtlMs: 1_000,
    });
    try {
      await waitUntil(async () => (await reserved()) === 0, {
        what: 'the expired reservation to be released',
      });
    } finally {
      await expiry.stop();
    }
    assert.deepEqual(await eventTypes('expire-leased'), ['stock.reserved', 'stock.expired']);
  });
});
