import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { eq } from 'drizzle-orm';
import type { Viewer } from '@ordergraph/shared';
import { testLogger, TEST_SIGNING_SECRET, viewers } from '@ordergraph/shared/testing';
import { createInventoryClient } from '../src/clients/inventory.js';
import { startConsumers } from '../src/consumers.js';
import { payments } from '../src/db/schema.js';
import { createTestPaymentProvider } from '../src/payments/test-provider.js';
import { startJourney, type Journey } from './journey.js';
import { ADA, GRACE } from './support.js';
import { ADDRESS, EAST, newKey, TEE } from './testbed.js';

let journey: Journey;
before(async () => {
  journey = await startJourney();
  await journey.receive(TEE, EAST, 20);
});
after(() => journey.stop());

const grace = viewers.customer(GRACE);
const CANCEL = `mutation($input: CancelOrderInput!) { cancelOrder(input: $input) { __typename
  ... on CancelOrderSuccess { order { id status paymentStatus allowedActions timeline { type message } } }
  ... on OrderNotCancellableError { message status }
  ... on OrderNotFoundError { message orderId }
  ... on InvalidInputError { message field } } }`;
const ORDER = `query($id: ID!) { order(id: $id) { status paymentStatus timeline { type } } }`;

const cancel = (input: Record<string, unknown>, viewer: Viewer = grace) =>
  journey.call(
    journey.orders,
    CANCEL,
    { input: { idempotencyKey: newKey('cancel'), ...input } },
    viewer,
  );

async function place(
  viewer: Viewer = grace,
): Promise<{ id: string; number: string; total: { amount: string } }> {
  const response = await journey.call(
    journey.orders,
    `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) {
      ... on PlaceOrderSuccess { order { id number total { amount } } } } }`,
    {
      input: {
        idempotencyKey: newKey(),
        lines: [{ sku: TEE, quantity: 2 }],
        shippingAddress: ADDRESS,
        payment: { token: 'tok_visa' },
      },
    },
    viewer,
  );
  await journey.settle();
  return response.data?.placeOrder.order;
}

async function step(field: 'startPicking' | 'markPacked', shipmentId: string) {
  const response = await journey.call(
    journey.shipments,
    `mutation($input: ShipmentActionInput!) { ${field}(input: $input) { __typename } }`,
    { input: { shipmentId, idempotencyKey: newKey(field) } },
    viewers.warehouse(),
  );
  assert.equal(response.data?.[field].__typename, 'ShipmentSuccess');
  await journey.settle();
}

const snapshot = async (orderId: string) => {
  const [payment] = await journey.orders.handle.db
    .select()
    .from(payments)
    .where(eq(payments.orderId, orderId));
  const provider = createTestPaymentProvider({ db: journey.orders.handle.db });
  return {
    order: (await journey.call(journey.orders, ORDER, { id: orderId }, viewers.staff())).data
      ?.order,
    shipments: Object.values(await journey.shipmentsOf(orderId)).map((s) => s.status),
    authorization: (await provider.authorization(payment!.authorizationId))?.status,
  };
};

describe('cancelOrder', () => {
  it('lets the customer cancel a confirmed order: shipments, stock and payment are let go', async () => {
    const { id, number, total } = await place();
    const key = newKey('cancel');
    const response = await cancel({ orderId: id, reason: 'Ordered twice', idempotencyKey: key });
    await journey.settle();
    const { timeline: _timeline, ...cancelled } = response.data!.cancelOrder.order;
    assert.deepEqual(cancelled, {
      id,
      status: 'CANCELLED',
      paymentStatus: 'VOIDED',
      allowedActions: [],
    });
    // the shipment's cancellation reaches the timeline through the feed, before or after
    const shipmentCancelled = { type: 'shipment.updated', message: 'Shipment from EAST cancelled' };
    const { data } = await journey.call(
      journey.orders,
      `query($id: ID!) { order(id: $id) {
      timeline { type message } } }`,
      { id },
      grace,
    );
    const steps = data?.order.timeline as { message: string }[];
    assert.deepEqual(
      steps.filter((step) => step.message !== shipmentCancelled.message),
      [
        { type: 'order.placed', message: `Order ${number} placed` },
        { type: 'payment.authorized', message: `Payment of ${total.amount} USD authorized` },
        { type: 'shipment.updated', message: 'Shipment from EAST is being prepared' },
        { type: 'order.cancelled', message: 'Order cancelled: Ordered twice' },
        { type: 'payment.voided', message: 'Payment authorization released' },
      ],
    );
    assert.deepEqual(
      steps.filter((step) => step.message === shipmentCancelled.message),
      [shipmentCancelled],
    );
    const after = await snapshot(id);
    assert.deepEqual(
      { ...after, order: { ...after.order, timeline: after.order.timeline.length } },
      {
        order: { status: 'CANCELLED', paymentStatus: 'VOIDED', timeline: 6 },
        shipments: ['CANCELLED'],
        authorization: 'voided',
      },
    );
    assert.deepEqual(await journey.stock(TEE), [
      { warehouse: { id: EAST }, onHand: 20, reserved: 0, available: 20 },
    ]);

    // the same key again: the first result, nothing more; with another input: refused
    const again = await cancel({ orderId: id, reason: 'Ordered twice', idempotencyKey: key });
    assert.deepEqual(again.data, response.data);
    assert.deepEqual((await cancel({ orderId: id, idempotencyKey: key })).data?.cancelOrder, {
      __typename: 'InvalidInputError',
      message: 'This idempotencyKey was already used with a different input.',
      field: 'idempotencyKey',
    });
    // a new key on a cancelled order
    assert.deepEqual((await cancel({ orderId: id })).data?.cancelOrder, {
      __typename: 'OrderNotCancellableError',
      message: 'The order is already cancelled.',
      status: 'CANCELLED',
    });
    assert.equal((await snapshot(id)).order.timeline.length, 6);
  });

  it('answers another customer as if the order did not exist, and changes nothing', async () => {
    const { id } = await place();
    const before = await snapshot(id);
    assert.deepEqual((await cancel({ orderId: id }, viewers.customer(ADA))).data?.cancelOrder, {
      __typename: 'OrderNotFoundError',
      message: 'No order of yours has this id.',
      orderId: id,
    });
    const unknown = randomUUID();
    assert.deepEqual((await cancel({ orderId: unknown })).data?.cancelOrder, {
      __typename: 'OrderNotFoundError',
      message: 'No order of yours has this id.',
      orderId: unknown,
    });
    assert.equal(
      (await cancel({ orderId: 'not-an-id' })).data?.cancelOrder.__typename,
      'OrderNotFoundError',
    );
    assert.deepEqual(await snapshot(id), before);
  });

  it('refuses the warehouse and anonymous callers, and bad input', async () => {
    const { id } = await place();
    const refusals = [
      [viewers.warehouse(), 'FORBIDDEN'],
      [viewers.carrier('ups'), 'FORBIDDEN'],
      [viewers.anonymous(), 'UNAUTHENTICATED'],
    ] as const;
    for (const [viewer, code] of refusals) {
      const response = await cancel({ orderId: id }, viewer);
      assert.equal(response.data, null);
      assert.equal(response.errors?.[0]?.extensions?.code, code);
    }
    assert.deepEqual((await cancel({ orderId: id, idempotencyKey: '' })).data?.cancelOrder, {
      __typename: 'InvalidInputError',
      message: 'idempotencyKey must be 1 to 200 printable characters.',
      field: 'idempotencyKey',
    });
    assert.deepEqual((await cancel({ orderId: id, reason: 'x'.repeat(501) })).data?.cancelOrder, {
      __typename: 'InvalidInputError',
      message: 'reason must be at most 500 characters.',
      field: 'reason',
    });
    assert.equal((await snapshot(id)).order.status, 'CONFIRMED');
  });

  it('lets staff, not the customer, cancel an order being picked', async () => {
    const { id } = await place();
    await step('startPicking', (await journey.shipmentsOf(id))[EAST]!.id);
    assert.deepEqual((await cancel({ orderId: id })).data?.cancelOrder, {
      __typename: 'OrderNotCancellableError',
      message:
        'The order is being prepared and can no longer be cancelled online; please contact us.',
      status: 'PROCESSING',
    });
    const response = await cancel({ orderId: id }, viewers.staff());
    assert.equal(response.data?.cancelOrder.order.status, 'CANCELLED');
    await journey.settle();
    assert.deepEqual((await snapshot(id)).shipments, ['CANCELLED']);
  });

  it('believes the shipments service over its own view: shipped means not cancellable', async () => {
    const { id } = await place();
    const shipmentId = (await journey.shipmentsOf(id))[EAST]!.id;
    await step('startPicking', shipmentId);
    await step('markPacked', shipmentId);
    // orders stops following, so it still sees the order as PROCESSING when it ships
    await journey.consumers.stop();
    const shipped = await journey.call(
      journey.shipments,
      `mutation($input: ShipShipmentInput!) { shipShipment(input: $input) { __typename } }`,
      { input: { shipmentId, carrierCode: 'ups', idempotencyKey: newKey('ship') } },
      viewers.warehouse(),
    );
    assert.equal(shipped.data?.shipShipment.__typename, 'ShipmentSuccess');
    const before = await snapshot(id);
    assert.deepEqual((await cancel({ orderId: id }, viewers.staff())).data?.cancelOrder, {
      __typename: 'OrderNotCancellableError',
      message: 'Part of the order has already shipped, so it can no longer be cancelled.',
      status: 'PROCESSING',
    });
    assert.deepEqual(await snapshot(id), before);
    assert.equal(before.authorization, 'authorized');

    // following again, orders catches up from its cursor: shipped and captured
    const resumed = await startConsumers({
      handle: journey.orders.handle,
      shipmentsUrl: journey.shipments.url,
      signingSecret: TEST_SIGNING_SECRET,
      inventory: createInventoryClient({
        url: journey.inventory.url,
        signingSecret: TEST_SIGNING_SECRET,
      }),
      payments: createTestPaymentProvider({ db: journey.orders.handle.db }),
      log: testLogger('orders'),
      waitMs: 500,
    });
    journey.consumers = resumed;
    await journey.settle();
    assert.deepEqual((await snapshot(id)).order.status, 'SHIPPED');
    assert.deepEqual((await snapshot(id)).order.paymentStatus, 'CAPTURED');
  });
});
