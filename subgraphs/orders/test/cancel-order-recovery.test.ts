import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eq, sql } from 'drizzle-orm';
import { testLogger, TEST_SIGNING_SECRET, viewers } from '@ordergraph/shared/testing';
import { createOrderCancellation } from '../src/lifecycle/cancel-order.js';
import { createCancellationsRepository } from '../src/lifecycle/cancellations.repository.js';
import { createCatalogClient } from '../src/clients/catalog.js';
import { createInventoryClient } from '../src/clients/inventory.js';
import { createShipmentsClient } from '../src/clients/shipments.js';
import { orderCancellations, payments } from '../src/db/schema.js';
import { createTestPaymentProvider } from '../src/payments/test-provider.js';
import { createSagaEffects } from '../src/placing/saga-effects.js';
import { startSagaRecovery, type SagaRecovery } from '../src/placing/saga-recovery.js';
import { startJourney, type Journey } from './journey.js';
import { GRACE } from './support.js';
import { ADDRESS, EAST, newKey, TEE } from './testbed.js';

const AFTER_MS = 60_000;
const log = testLogger('cancel-recovery');
const grace = viewers.customer(GRACE);

let journey: Journey;
let recovery: SagaRecovery;
before(async () => {
  journey = await startJourney();
  await journey.receive(TEE, EAST, 10);
  const signingSecret = TEST_SIGNING_SECRET;
  const inventory = createInventoryClient({ url: journey.inventory.url, signingSecret });
  const provider = createTestPaymentProvider({ db: journey.orders.handle.db });
  recovery = startSagaRecovery({
    handle: journey.orders.handle,
    effects: createSagaEffects({
      // no placeOrder attempt is left to recover here: the catalog is never called
      catalog: createCatalogClient({ url: 'http://127.0.0.1:9/graphql', signingSecret }),
      inventory,
      payments: provider,
      log,
    }),
    cancellation: createOrderCancellation({
      db: journey.orders.handle.db,
      shipments: createShipmentsClient({ url: journey.shipments.url, signingSecret }),
      inventory,
      payments: provider,
      log,
    }),
    afterMs: AFTER_MS,
    log,
    pollIntervalMs: 3_600_000,
  });
});
after(async () => {
  await recovery.stop();
  await journey.stop();
});

const ORDER = `query($id: ID!) { order(id: $id) { status paymentStatus } }`;
const CANCEL = `mutation($input: CancelOrderInput!) { cancelOrder(input: $input) { __typename
  ... on OrderNotCancellableError { message status } } }`;

async function place(): Promise<string> {
  const response = await journey.call(
    journey.orders,
    `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) {
      ... on PlaceOrderSuccess { order { id } } } }`,
    {
      input: {
        idempotencyKey: newKey(),
        lines: [{ sku: TEE, quantity: 2 }],
        shippingAddress: ADDRESS,
        payment: { token: 'tok_visa' },
      },
    },
    grace,
  );
  await journey.settle();
  return response.data?.placeOrder.order.id;
}

const authorizationOf = async (orderId: string) => {
  const [payment] = await journey.orders.handle.db
    .select()
    .from(payments)
    .where(eq(payments.orderId, orderId));
  const provider = createTestPaymentProvider({ db: journey.orders.handle.db });
  return (await provider.authorization(payment!.authorizationId))?.status;
};
const cancellationOf = async (orderId: string) =>
  (
    await journey.orders.handle.db
      .select()
      .from(orderCancellations)
      .where(eq(orderCancellations.orderId, orderId))
  )[0];

describe('recovery of cancellations', () => {
  it('records a cancellation while it runs and settles it with the order', async () => {
    const orderId = await place();
    const response = await journey.call(
      journey.orders,
      CANCEL,
      { input: { orderId, reason: 'Changed my mind', idempotencyKey: newKey('cancel') } },
      grace,
    );
    assert.equal(response.data?.cancelOrder.__typename, 'CancelOrderSuccess');
    const row = await cancellationOf(orderId);
    assert.deepEqual(
      { reason: row?.reason, cancelledBy: row?.cancelledBy, settled: row?.settledAt !== null },
      { reason: 'Changed my mind', cancelledBy: 'customer', settled: true },
    );
    await journey.settle();
  });

  it('carries through a cancellation whose process died after the shipments were cancelled', async () => {
    const orderId = await place();
    assert.equal((await journey.stock(TEE))[0]?.reserved, 2);
    // what a process leaves when it dies right after the shipments service said yes
    await createCancellationsRepository({ db: journey.orders.handle.db }).begin({
      orderId,
      reason: 'Ordered twice',
      cancelledBy: 'customer',
    });
    const shipments = createShipmentsClient({
      url: journey.shipments.url,
      signingSecret: TEST_SIGNING_SECRET,
    });
    assert.equal(await shipments.cancelOrderShipments({ orderId }), true);
    await journey.orders.handle.db
      .update(orderCancellations)
      .set({ touchedAt: sql`now() - ${AFTER_MS + 1_000}::integer * interval '1 millisecond'` })
      .where(eq(orderCancellations.orderId, orderId));
    await journey.settle();
    const stuck = await journey.call(journey.orders, ORDER, { id: orderId }, grace);
    assert.deepEqual(stuck.data?.order, { status: 'CONFIRMED', paymentStatus: 'AUTHORIZED' });

    assert.equal(await recovery.sweep(), 1);
    await journey.settle();
    const done = await journey.call(journey.orders, ORDER, { id: orderId }, grace);
    assert.deepEqual(done.data?.order, { status: 'CANCELLED', paymentStatus: 'VOIDED' });
    assert.equal((await journey.stock(TEE))[0]?.reserved, 0);
    assert.equal(await authorizationOf(orderId), 'voided');
    assert.notEqual((await cancellationOf(orderId))?.settledAt, null);
    assert.equal(await recovery.sweep(), 0);
    // the customer's retry finds the order cancelled
    const retry = await journey.call(
      journey.orders,
      CANCEL,
      { input: { orderId, idempotencyKey: newKey('cancel') } },
      grace,
    );
    assert.deepEqual(retry.data?.cancelOrder, {
      __typename: 'OrderNotCancellableError',
      message: 'The order is already cancelled.',
      status: 'CANCELLED',
    });
  });
});
