import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { waitUntil } from '@ordergraph/shared/testing';
import { GRACE, MUG, placeOrder, receiveStock, TEE } from './support/fixtures.js';
import { startStack, type Stack } from './support/stack.js';
import {
  subscribeOverMultipart,
  subscribeOverSse,
  subscribeOverWebSocket,
  type OpenSubscription,
  type Result,
} from './support/subscription-clients.js';
import {
  lifecycle,
  requestReturn,
  TRACK_ORDER,
  timelineCursors,
  type Lifecycle,
} from './support/order-steps.js';

// one order's life watched through the router by three clients at once, one per transport:
// every update carries fields of all five subgraphs, the same on every transport

let stack: Stack;
let steps: Lifecycle;
before(async () => {
  stack = await startStack();
  steps = await lifecycle(stack);
  await receiveStock(stack, { sku: TEE, warehouseId: 'wh-east', quantity: 3 });
});
after(() => stack.stop());

const orderOf = (result: Result) => result.data?.['orderUpdated']?.order;

/** the first update from `index` on that satisfies the check, waiting for it if needed */
async function updateWhere(
  subscription: OpenSubscription,
  check: (order: any) => boolean,
): Promise<Result> {
  for (let index = 0; ; index++) {
    const results = await subscription.received.atLeast(index + 1);
    const result = results[index];
    assert.ok(result, `the stream ended before the update: ${JSON.stringify(results)}`);
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    if (check(orderOf(result))) return result;
  }
}

describe('orderUpdated through the router, over WebSocket, multipart HTTP and SSE', () => {
  let orderId: string;
  let subscriptions: Record<'ws' | 'multipart' | 'sse', OpenSubscription>;

  it('replays from a timeline cursor, then follows the order to delivery', async () => {
    const placed = await placeOrder(stack, {
      customerId: GRACE,
      lines: [{ sku: TEE, quantity: 1 }],
    });
    assert.equal(placed.__typename, 'PlaceOrderSuccess');
    orderId = placed.order.id;
    await stack.settle();
    // a client that has loaded the order page subscribes from its last timeline entry
    const [placedCursor] = await timelineCursors(stack, orderId, steps.tokens.grace);
    const options = {
      url: stack.routerUrl,
      query: TRACK_ORDER,
      variables: { orderId, after: placedCursor },
      token: steps.tokens.grace,
    };
    subscriptions = {
      ws: subscribeOverWebSocket(options),
      multipart: subscribeOverMultipart(options),
      sse: subscribeOverSse(options),
    };

    for (const subscription of Object.values(subscriptions)) {
      const confirmed = await updateWhere(subscription, (o) => o.status === 'CONFIRMED');
      const order = orderOf(confirmed);
      assert.equal(order.customer.name, 'Grace Hopper');
      assert.equal(order.lines[0].variant.sku, TEE);
      assert.ok(order.lines[0].variant.name.length > 0);
      assert.equal(order.lines[0].variant.price.amount, '19.90');
      assert.equal(order.lines[0].variant.available, 2);
      assert.deepEqual(order.lines[0].variant.stock, [{ available: 2 }]);
      assert.equal(order.shipments.length, 1);
    }

    const shipmentId = await steps.shipmentOf(orderId);
    await steps.pickAndPack(shipmentId);
    await steps.ship(shipmentId, { carrierCode: 'ups', trackingNumber: '1Z999AA10123456784' });
    for (const subscription of Object.values(subscriptions)) {
      // the capture follows the shipping: the update that has both
      const shipped = orderOf(
        await updateWhere(
          subscription,
          (o) => o.status === 'SHIPPED' && o.paymentStatus === 'CAPTURED',
        ),
      );
      assert.deepEqual(shipped.shipments, [
        { status: 'SHIPPED', trackingNumber: '1Z999AA10123456784', carrier: { code: 'ups' } },
      ]);
      assert.equal(shipped.lines[0].variant.available, 2);
    }

    await steps.scan('ups', '1Z999AA10123456784', 'IN_TRANSIT');
    for (const subscription of Object.values(subscriptions)) {
      const result = await updateWhere(subscription, (o) => o.shipments[0].status === 'IN_TRANSIT');
      assert.equal(result.data?.['orderUpdated'].event.type, 'shipment.updated');
    }

    await steps.scan('ups', '1Z999AA10123456784', 'DELIVERED');
    for (const subscription of Object.values(subscriptions)) {
      const delivered = orderOf(await updateWhere(subscription, (o) => o.status === 'DELIVERED'));
      assert.equal(delivered.shipments[0].status, 'DELIVERED');
      assert.equal(delivered.customer.name, 'Grace Hopper');
    }
  });

  it('delivers the same updates, in the same order, on every transport', async () => {
    // one more change after the others: an update a transport repeats or drops comes before it,
    // so each stream is compared whole once that last one is in
    await requestReturn(stack, { orderId, token: steps.tokens.grace });
    // every update is an event of this order's timeline after the one subscribed from
    const timeline = await timelineCursors(stack, orderId, steps.tokens.grace);
    const expected = timeline.slice(1);
    assert.ok(expected.length >= 6, `only ${expected.length} timeline entries`);
    const cursorsOf = (results: Result[]) =>
      results.map((r) => r.data?.['orderUpdated']?.cursor as string);
    for (const [transport, subscription] of Object.entries(subscriptions)) {
      for (let index = 0; ; index++) {
        const results = await subscription.received.atLeast(index + 1);
        const result = results[index];
        assert.ok(result, `${transport} ended early: ${JSON.stringify(results)}`);
        if (cursorsOf([result])[0] === expected.at(-1)) break;
      }
      assert.deepEqual(cursorsOf(subscription.received.results), expected, transport);
    }
    for (const subscription of Object.values(subscriptions)) await subscription.close();
  });
});

describe('the other subscriptions through the router', () => {
  it('streams stockChanged with the variant from the catalog', async () => {
    const subscription = subscribeOverWebSocket({
      url: stack.routerUrl,
      query: `subscription($sku: String!) { stockChanged(sku: $sku) {
        cursor type stock { onHand available } variant { name price { amount } }
      } }`,
      variables: { sku: MUG },
    });
    // live only: the change must come after the subgraph has the subscription in place
    await waitUntil(
      () =>
        stack.subgraphs.inventory.server.tail.watching({ streamType: 'sku', streamId: MUG }) > 0,
    );
    await receiveStock(stack, { sku: MUG, warehouseId: 'wh-west', quantity: 4 });
    const [update] = await subscription.received.atLeast(1);
    assert.equal(update?.errors, undefined, JSON.stringify(update?.errors));
    const change = update?.data?.['stockChanged'];
    assert.equal(change.stock.onHand, 4);
    assert.equal(change.variant.price.amount, '14.00');
    assert.ok(change.variant.name.length > 0);
    await subscription.close();
  });

  it('streams shipmentUpdated with the order from the orders service', async () => {
    const placed = await placeOrder(stack, {
      customerId: GRACE,
      lines: [{ sku: TEE, quantity: 1 }],
    });
    await stack.settle();
    const shipmentId = await steps.shipmentOf(placed.order.id);
    const subscription = subscribeOverSse({
      url: stack.routerUrl,
      query: `subscription($id: ID!) { shipmentUpdated(shipmentId: $id) {
        cursor event { status } shipment { status order { number customer { name } } }
      } }`,
      variables: { id: shipmentId },
      token: steps.tokens.grace,
    });
    await waitUntil(
      () =>
        stack.subgraphs.shipments.server.tail.watching({
          streamType: 'shipment',
          streamId: shipmentId,
        }) > 0,
    );
    await steps.pickAndPack(shipmentId);
    const [picking, packed] = await subscription.received.atLeast(2);
    assert.equal(picking?.data?.['shipmentUpdated'].event.status, 'PICKING');
    assert.equal(packed?.data?.['shipmentUpdated'].event.status, 'PACKED');
    const shipment = packed?.data?.['shipmentUpdated'].shipment;
    assert.equal(shipment.order.number, placed.order.number);
    assert.equal(shipment.order.customer.name, 'Grace Hopper');
    await subscription.close();
  });
});
