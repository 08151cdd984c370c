import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { eq, sql } from 'drizzle-orm';
import { hashRequest } from '@ordergraph/shared';
import { testLogger, TEST_SIGNING_SECRET, viewers } from '@ordergraph/shared/testing';
import { createCatalogClient } from '../src/clients/catalog.js';
import { createInventoryClient } from '../src/clients/inventory.js';
import { orderRequests } from '../src/db/schema.js';
import { createOrderRequestsRepository } from '../src/placing/order-requests.repository.js';
import type { SagaStep } from '../src/placing/order-saga.js';
import { validatePlaceOrder, type OrderRequest } from '../src/placing/place-order-inputs.js';
import { createSagaEffects } from '../src/placing/saga-effects.js';
import { startSagaRecovery, type SagaRecovery } from '../src/placing/saga-recovery.js';
import { GRACE } from './support.js';
import { ADDRESS, EAST, newKey, PLACE_ORDER, startTestbed, TEE, type Testbed } from './testbed.js';

const AFTER_MS = 60_000;
const log = testLogger('saga-recovery');
const grace = viewers.customer(GRACE);

let testbed: Testbed;
let recovery: SagaRecovery;
before(async () => {
  testbed = await startTestbed();
  await testbed.receive(TEE, EAST, 10);
  const signingSecret = TEST_SIGNING_SECRET;
  recovery = startSagaRecovery({
    handle: testbed.orders.handle,
    effects: createSagaEffects({
      catalog: createCatalogClient({ url: testbed.catalog.url, signingSecret }),
      inventory: createInventoryClient({ url: testbed.inventory.url, signingSecret }),
      payments: testbed.payments,
      log,
    }),
    afterMs: AFTER_MS,
    log,
    // sweeps are asked for by the tests
    pollIntervalMs: 3_600_000,
  });
});
after(async () => {
  await recovery.stop();
  await testbed.stop();
});

const requests = () => createOrderRequestsRepository({ db: testbed.orders.handle.db });
const input = (idempotencyKey: string) => ({
  idempotencyKey,
  lines: [{ sku: TEE, quantity: 2 }],
  shippingAddress: ADDRESS,
  payment: { token: 'tok_visa' },
  promoCode: 'ONCE',
});
const place = (idempotencyKey: string) =>
  testbed.request(PLACE_ORDER, { viewer: grace, variables: { input: input(idempotencyKey) } });

/**
 * What a placeOrder process leaves when it dies after `steps`: the claim with those steps
 * recorded, and their effects made with the saga's ids, then left alone for longer than
 * recovery waits.
 */
async function abandoned(steps: SagaStep[], { keepAuthorizationId = true } = {}) {
  const key = newKey('crashed');
  const claim = { scope: GRACE, key, attempt: randomUUID(), orderId: randomUUID() };
  const request = validatePlaceOrder(input(key), GRACE) as OrderRequest;
  await requests().claim({ ...claim, requestHash: hashRequest(request) });
  const signingSecret = TEST_SIGNING_SECRET;
  if (steps.includes('PROMO_REDEEMED')) {
    await createCatalogClient({ url: testbed.catalog.url, signingSecret }).redeemPromoCode({
      code: 'ONCE',
      redemptionKey: claim.orderId,
    });
  }
  if (steps.includes('STOCK_RESERVED')) {
    await createInventoryClient({ url: testbed.inventory.url, signingSecret }).reserveStock({
      reservationId: claim.orderId,
      lines: request.lines,
    });
  }
  let authorizationId: string | null = null;
  if (steps.includes('PAYMENT_AUTHORIZED')) {
    const authorization = await testbed.payments.authorize({
      token: 'tok_visa',
      amountMinor: 5_000,
      currency: 'USD',
      idempotencyKey: claim.orderId,
    });
    assert.equal(authorization.status, 'authorized');
    authorizationId = authorization.authorizationId;
  }
  await requests().record(claim, {
    steps,
    authorizationId: keepAuthorizationId ? authorizationId : null,
  });
  await testbed.orders.handle.db
    .update(orderRequests)
    .set({ claimedAt: sql`now() - ${AFTER_MS + 1_000}::integer * interval '1 millisecond'` })
    .where(eq(orderRequests.idempotencyKey, key));
  return { key, orderId: claim.orderId, authorizationId };
}

const rowOf = async (key: string) => (await requests().find({ scope: GRACE, key }))!;
const INTERRUPTED = {
  __typename: 'PlaceOrderInterruptedError',
  message:
    'Placing this order was interrupted and everything it had begun was undone: nothing was ordered or charged. Place it again with a new idempotencyKey.',
};

describe('recovery of abandoned placeOrder attempts', () => {
  it('undoes every step of an attempt whose process died, and answers its retries', async () => {
    const before = await testbed.stock(TEE);
    const crashed = await abandoned([
      'QUOTED',
      'PROMO_REDEEMED',
      'STOCK_RESERVED',
      'PAYMENT_AUTHORIZED',
    ]);
    assert.equal((await testbed.stock(TEE)).reserved, before.reserved + 2);
    assert.equal(await testbed.promoUsable('ONCE'), false);

    assert.equal(await recovery.sweep(), 1);
    assert.deepEqual(await testbed.stock(TEE), before);
    assert.equal(await testbed.promoUsable('ONCE'), true);
    assert.equal(
      (await testbed.payments.authorization(crashed.authorizationId!))?.status,
      'voided',
    );
    const row = await rowOf(crashed.key);
    assert.deepEqual(
      { status: row.status, result: row.result, settled: row.settledAt !== null },
      { status: 'COMPLETED', result: INTERRUPTED, settled: true },
    );
    // the client that never got an answer retries: the same answer, every time, nothing more
    for (let retry = 0; retry < 2; retry++) {
      assert.deepEqual((await place(crashed.key)).data?.placeOrder, INTERRUPTED);
    }
    assert.deepEqual(await testbed.stock(TEE), before);
    assert.equal(await testbed.orderCount(), 0);
    assert.equal(await recovery.sweep(), 0);
  });

  it('finds an authorization whose answer was lost by its key, and voids it', async () => {
    const crashed = await abandoned(['QUOTED', 'STOCK_RESERVED', 'PAYMENT_AUTHORIZED'], {
      keepAuthorizationId: false,
    });
    assert.equal(await recovery.sweep(), 1);
    assert.equal(
      (await testbed.payments.authorization(crashed.authorizationId!))?.status,
      'voided',
    );
  });

  it('leaves an attempt alone while its process still records steps', async () => {
    const crashed = await abandoned(['QUOTED', 'STOCK_RESERVED']);
    const row = await rowOf(crashed.key);
    // the process was slow, not dead: it records its next step
    await requests().record(
      { scope: GRACE, key: crashed.key, attempt: row.attempt, orderId: row.orderId },
      { steps: ['QUOTED', 'STOCK_RESERVED', 'PAYMENT_AUTHORIZED'], authorizationId: null },
    );
    assert.equal(await recovery.sweep(), 0);
    assert.equal((await rowOf(crashed.key)).status, 'PENDING');
    await requests().release({
      scope: GRACE,
      key: crashed.key,
      attempt: row.attempt,
      orderId: row.orderId,
    });
    await createInventoryClient({
      url: testbed.inventory.url,
      signingSecret: TEST_SIGNING_SECRET,
    }).releaseReservation({ reservationId: crashed.orderId });
  });

  it('confirms the reservation of an order written just before its process died', async () => {
    const key = newKey();
    const placed = await place(key);
    assert.equal(placed.data?.placeOrder.__typename, 'PlaceOrderSuccess');
    // as if the confirmation had never been made: the row holds the commit only
    await testbed.orders.handle.db
      .update(orderRequests)
      .set({
        steps: ['QUOTED', 'PROMO_REDEEMED', 'STOCK_RESERVED', 'PAYMENT_AUTHORIZED', 'COMMITTED'],
        settledAt: null,
        claimedAt: sql`now() - ${AFTER_MS + 1_000}::integer * interval '1 millisecond'`,
      })
      .where(eq(orderRequests.idempotencyKey, key));
    const reserved = (await testbed.stock(TEE)).reserved;
    assert.equal(await recovery.sweep(), 1);
    const row = await rowOf(key);
    assert.equal(row.steps.at(-1), 'CONFIRMED');
    assert.notEqual(row.settledAt, null);
    assert.equal((await testbed.stock(TEE)).reserved, reserved);
    assert.deepEqual(
      (await place(key)).data?.placeOrder.order.id,
      placed.data?.placeOrder.order.id,
    );
  });
});
