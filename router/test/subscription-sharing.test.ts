import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { waitUntil } from '@ordergraph/shared/testing';
import {
  stackWithAnOrder,
  timelineCursors,
  TRACK_ORDER,
  type Lifecycle,
} from './support/order-steps.js';
import type { Stack } from './support/stack.js';
import {
  subscribeOverWebSocket,
  wsClient,
  type OpenSubscription,
} from './support/subscription-clients.js';

// many clients on one order share one upstream subscription, and each event is executed once

let stack: Stack;
let steps: Lifecycle;
let orderId: string;
let shipmentId: string;
before(async () => {
  ({ stack, steps, orderId } = await stackWithAnOrder());
  shipmentId = await steps.shipmentOf(orderId);
});
after(() => stack.stop());

const eventTypes = (subscription: OpenSubscription) =>
  subscription.received.results.map((r) => r.data?.['orderUpdated']?.event.type);

describe('sharing subscriptions', () => {
  it('serves 100 clients on one order with one upstream subscription and one fetch per subgraph per event', async () => {
    const before = stack.router.subscriptionStats();
    const from = (await timelineCursors(stack, orderId, steps.tokens.grace)).at(-1);
    const subscriptions = Array.from({ length: 100 }, () =>
      subscribeOverWebSocket({
        url: stack.routerUrl,
        query: TRACK_ORDER,
        variables: { orderId, after: from },
        token: steps.tokens.grace,
      }),
    );
    await waitUntil(() => stack.router.subscriptionStats().clients === 100);
    const during = stack.router.subscriptionStats();
    assert.equal(during.upstreamOpened - before.upstreamOpened, 1);
    assert.equal(during.sharedSubscriptions, 1);
    const metrics = await (await fetch(stack.routerUrl.replace('/graphql', '/metrics'))).text();
    assert.match(metrics, /^ordergraph_subscription_clients 100$/m);
    assert.match(metrics, /^ordergraph_subscription_shared 1$/m);
    assert.match(metrics, /^ordergraph_subscription_upstream_active 1$/m);

    const timelineBefore = await timelineCount();
    await steps.pickAndPack(shipmentId);
    const events = (await timelineCount()) - timelineBefore;
    assert.ok(events >= 2, `${events} events`);
    const delivered = await Promise.all(subscriptions.map((s) => s.received.atLeast(events)));
    assert.ok(delivered.every((results) => results.length === events));
    const first = eventTypes(subscriptions[0]!);
    for (const subscription of subscriptions) assert.deepEqual(eventTypes(subscription), first);

    const fetches = stack.router.subscriptionStats().entityFetches;
    for (const subgraph of ['customers', 'catalog', 'inventory', 'shipments']) {
      assert.equal(
        (fetches[subgraph] ?? 0) - (before.entityFetches[subgraph] ?? 0),
        events,
        `${subgraph}: one fetch per event, whatever the number of clients`,
      );
    }
    await Promise.all(subscriptions.map((s) => s.close()));
    await waitUntil(() => stack.router.subscriptionStats().upstreamActive === 0);
    assert.equal(stack.router.subscriptionStats().sharedSubscriptions, 0);
  });

  it('delivers every event to each of 1,000 subscribers', async () => {
    const from = (await timelineCursors(stack, orderId, steps.tokens.grace)).at(-1);
    // 1,000 subscriptions over 50 sockets, as 50 devices with 20 screens each
    const clients = Array.from({ length: 50 }, () => wsClient(stack.routerUrl, steps.tokens.grace));
    const subscriptions = clients.flatMap((client) =>
      Array.from({ length: 20 }, () =>
        subscribeOverWebSocket(
          { url: stack.routerUrl, query: TRACK_ORDER, variables: { orderId, after: from } },
          client,
          {
            ownClient: false,
          },
        ),
      ),
    );
    await waitUntil(() => stack.router.subscriptionStats().clients === 1_000);
    const timelineBefore = await timelineCount();

    await steps.ship(shipmentId, { carrierCode: 'ups', trackingNumber: '1Z999AA10123450000' });
    await steps.scan('ups', '1Z999AA10123450000', 'IN_TRANSIT');
    await steps.scan('ups', '1Z999AA10123450000', 'DELIVERED');
    await stack.settle();
    const added = (await timelineCount()) - timelineBefore;
    assert.ok(added >= 3, `only ${added} events`);
    const reference = subscriptions[0]!;
    const all = await Promise.all(subscriptions.map((s) => s.received.atLeast(added)));
    const cursors = (results: (typeof all)[number]) =>
      results.map((r) => r.data?.['orderUpdated']?.cursor);
    for (const results of all) {
      assert.equal(results.length, added);
      assert.deepEqual(cursors(results), cursors(reference.received.results));
    }
    assert.equal(
      reference.received.results.at(-1)?.data?.['orderUpdated'].order.status,
      'DELIVERED',
    );
    await Promise.all(subscriptions.map((s) => s.close()));
    await Promise.all(clients.map((c) => c.dispose()));
  });
});

async function timelineCount(): Promise<number> {
  const response = await stack.request({
    token: steps.tokens.grace,
    query: `query($id: ID!) { order(id: $id) { timeline { type } } }`,
    variables: { id: orderId },
  });
  return response.data?.order.timeline.length as number;
}
