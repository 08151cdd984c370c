import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  ordersEvents,
  readEvent,
  readEvents,
  type ConsumedEvent,
  type Database,
  type DatabaseHandle,
  systemActor,
  transaction,
} from '@ordergraph/shared';
import { createTestDatabase } from '@ordergraph/shared/testing';
import { createOrderEventHandler } from '../src/consumers.js';
import { createFulfilment } from '../src/fulfilment.js';
import { migrationsFolder } from '../src/server.js';
import { createShipmentsRepository } from '../src/shipments.repository.js';
import { ADA } from './fixtures.js';

let handle: DatabaseHandle;
before(async () => {
  handle = await createTestDatabase({ name: 'shipments_order_events', migrationsFolder });
});
after(() => handle.close());

const handler = createOrderEventHandler();
/** handles an event as the consumer does: read through the contract, or parked with the reason */
const handleEvent = async (event: ConsumedEvent): Promise<string | null> => {
  const read = readEvent(ordersEvents, event);
  if (!read.ok) return read.reason;
  await handle.db.transaction((tx) => handler(read.event, tx as unknown as Database));
  return null;
};

let seq = 0;
function orderPlaced(orderId = randomUUID(), overrides: Record<string, unknown> = {}) {
  const lines = {
    tee: { orderLineId: randomUUID(), sku: 'TEE-CLASSIC-BLK-M', quantity: 2 },
    mug: { orderLineId: randomUUID(), sku: 'MUG-CERAMIC-WHT', quantity: 1 },
  };
  const event: ConsumedEvent = {
    seq: ++seq,
    type: 'order.placed',
    streamType: 'order',
    streamId: orderId,
    occurredAt: new Date(),
    payload: {
      orderId,
      customerId: ADA,
      number: `OG-${100000 + seq}`,
      lines: [],
      allocations: [
        { warehouseId: 'wh-east', lines: [lines.tee] },
        { warehouseId: 'wh-west', lines: [lines.mug] },
      ],
      promoCode: null,
      currency: 'USD',
      subtotal: 3_000,
      discountTotal: 0,
      shippingTotal: 500,
      taxTotal: 0,
      total: 3_500,
      ...overrides,
    },
  };
  return { event, orderId, lines };
}

const shipmentsOf = async (orderId: string) => {
  const repository = createShipmentsRepository({ db: handle.db });
  const shipments = await repository.findByOrderIds([orderId]);
  const lines = await repository.findLinesByShipmentIds(shipments.map((s) => s.id));
  return shipments.map((shipment) => ({
    warehouseId: shipment.warehouseId,
    customerId: shipment.customerId,
    status: shipment.status,
    lines: lines
      .filter((line) => line.shipmentId === shipment.id)
      .map(({ orderLineId, sku, quantity }) => ({ orderLineId, sku, quantity })),
  }));
};

const createdEvents = async (orderId: string) =>
  (await readEvents(handle.db, { streamType: 'shipment', limit: 1000 })).filter(
    (event) => event.payload['orderId'] === orderId,
  );

describe('the order.placed handler', () => {
  it('creates a PENDING shipment per warehouse with the allocated lines', async () => {
    const { event, orderId, lines } = orderPlaced();
    await handleEvent(event);
    assert.deepEqual(await shipmentsOf(orderId), [
      { warehouseId: 'wh-east', customerId: ADA, status: 'PENDING', lines: [lines.tee] },
      { warehouseId: 'wh-west', customerId: ADA, status: 'PENDING', lines: [lines.mug] },
    ]);
    const created = await createdEvents(orderId);
    assert.deepEqual(
      created.map(({ type, payload }) => ({ type, payload: { ...payload, shipmentId: null } })),
      [
        ['wh-east', lines.tee],
        ['wh-west', lines.mug],
      ].map(([warehouseId, line]) => ({
        type: 'shipment.created',
        payload: {
          shipmentId: null,
          orderId,
          customerId: ADA,
          warehouseId,
          status: 'PENDING',
          previousStatus: null,
          lines: [line],
          // the consumer's own step
          actor: { kind: 'SYSTEM', id: 'shipments', name: 'shipments' },
        },
      })),
    );
  });

  it('changes nothing when the same event is handled again', async () => {
    const { event, orderId } = orderPlaced();
    await handleEvent(event);
    const before = [await shipmentsOf(orderId), await createdEvents(orderId)];
    await handleEvent(event);
    assert.deepEqual([await shipmentsOf(orderId), await createdEvents(orderId)], before);
  });

  it('creates nothing for an order whose shipments were cancelled first', async () => {
    const { event, orderId } = orderPlaced();
    const cancelled = await transaction(handle.db, (tx) =>
      createFulfilment({
        db: tx,
        actor: systemActor('test'),
      }).cancelOrderShipments(orderId),
    );
    assert.equal(cancelled, true);
    await handleEvent(event);
    assert.deepEqual(await shipmentsOf(orderId), []);
    assert.deepEqual(await createdEvents(orderId), []);
  });

  it('ignores the other events of the orders service', async () => {
    const { event, orderId } = orderPlaced();
    const authorized = {
      ...event,
      type: 'payment.authorized',
      payload: {
        orderId,
        paymentId: randomUUID(),
        provider: 'fake',
        authorizationId: 'auth-1',
        amount: 3_500,
        currency: 'USD',
      },
    };
    assert.equal(await handleEvent(authorized), null);
    assert.deepEqual(await shipmentsOf(orderId), []);
  });

  it('never sees an order.placed off the contract: the consumer parks it', async () => {
    const { event, orderId } = orderPlaced(randomUUID(), {
      allocations: [{ warehouseId: 'wh-east', lines: [{ sku: 'X', quantity: -1 }] }],
    });
    assert.match((await handleEvent(event)) ?? '', /allocations/);
    assert.deepEqual(await shipmentsOf(orderId), []);
  });

  it('leaves out warehouses without lines', async () => {
    const { event, orderId, lines } = orderPlaced(randomUUID());
    const payload = event.payload as { allocations: unknown[] };
    await handleEvent({
      ...event,
      payload: {
        ...payload,
        allocations: [...payload.allocations, { warehouseId: 'wh-north', lines: [] }],
      },
    });
    assert.deepEqual(
      (await shipmentsOf(orderId)).map((shipment) => shipment.lines),
      [[lines.tee], [lines.mug]],
    );
  });
});
