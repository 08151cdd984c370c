import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { encodeEventCursor, type Viewer } from '@ordergraph/shared';
import {
  connectSubscriptionClient,
  startTestSubgraph,
  startTestSubgraphReplica,
  subgraphRequest,
  viewers,
  waitUntil,
  type TestSubgraph,
  type TestSubscriptionClient,
} from '@ordergraph/shared/testing';
import { createServer, migrationsFolder, type OrdersServer } from '../src/server.js';
import {
  APPROVE_RETURN,
  deliverOrder,
  insertAuthorizedOrder,
  key,
  REJECT_RETURN,
  requestReturnOf,
} from './returns-support.js';
import { ADA, GRACE, placedOrder } from './support.js';

let primary: TestSubgraph<OrdersServer>;
let replica: TestSubgraph<OrdersServer>;
let client: TestSubscriptionClient;
let replicaClient: TestSubscriptionClient;

before(async () => {
  primary = await startTestSubgraph({ name: 'orders_ws', migrationsFolder, createServer });
  replica = await startTestSubgraphReplica({
    of: primary,
    name: 'orders_ws',
    migrationsFolder,
    createServer,
  });
  // as the router connects: a service, each subscription signed for its end user
  client = await connectSubscriptionClient(primary.url);
  replicaClient = await connectSubscriptionClient(replica.url);
});
after(async () => {
  await client.close();
  await replicaClient.close();
  await replica.stop();
  await primary.stop();
});

const ada = viewers.customer(ADA);
const ORDER_UPDATED = `subscription($orderId: ID!, $after: String) {
  orderUpdated(orderId: $orderId, after: $after) {
    cursor event { id type message occurredAt } order { id status } } }`;
const TIMELINE = `query($id: ID!) { order(id: $id) { timeline { id type message occurredAt } } }`;

interface TimelineEvent {
  id: string;
  type: string;
  message: string;
  occurredAt: string;
}

async function deliveredOrder() {
  const order = await insertAuthorizedOrder(primary.handle, placedOrder({ customerId: ADA }));
  const { lines } = await deliverOrder(primary.handle, order.id);
  return { order, lines };
}

async function timelineOf(orderId: string): Promise<TimelineEvent[]> {
  const response = await subgraphRequest(primary.url, {
    query: TIMELINE,
    variables: { id: orderId },
    viewer: ada,
  });
  return response.data?.['order'].timeline;
}

/** what orderUpdated sends for a timeline entry */
const updateOf = (event: TimelineEvent, orderId: string, status = 'DELIVERED') => ({
  data: {
    orderUpdated: {
      cursor: encodeEventCursor('order', Number(event.id)),
      event,
      order: { id: orderId, status },
    },
  },
});

function follow(
  orderId: string,
  {
    viewer = ada,
    after,
    on = client,
  }: { viewer?: Viewer; after?: string; on?: TestSubscriptionClient } = {},
) {
  return on.subscribe({ query: ORDER_UPDATED, variables: { orderId, after }, viewer });
}

/** waits until the server holds a live subscription of the order */
const followed = (server: OrdersServer, orderId: string) =>
  waitUntil(() => server.tail.watching({ streamType: 'order', streamId: orderId }) > 0, {
    what: `a subscription of order ${orderId}`,
  });

const requestReturn = (orderId: string, orderLineId: string) =>
  requestReturnOf((query, options) => subgraphRequest(primary.url, { query, ...options }), {
    viewer: ada,
    orderId,
    lines: [{ orderLineId, quantity: 1 }],
  });

async function staffDecides(query: string, returnId: string, extra = {}) {
  const response = await subgraphRequest(primary.url, {
    query,
    variables: { input: { returnId, idempotencyKey: key(), ...extra } },
    viewer: viewers.staff(),
  });
  assert.match(JSON.stringify(response.data), /Success/);
}

describe('orderUpdated', () => {
  it('sends a change of the order as it commits, as its timeline shows it', async () => {
    const { order, lines } = await deliveredOrder();
    const subscription = follow(order.id);
    await followed(primary.server, order.id);
    await requestReturn(order.id, lines[0]!.id);
    const [update] = await subscription.take(1);
    const requested = (await timelineOf(order.id)).at(-1)!;
    assert.equal(requested.type, 'return.requested');
    assert.deepEqual(update, updateOf(requested, order.id));
    subscription.unsubscribe();
  });

  it('replays exactly the updates after a cursor, in order, then sends live ones', async () => {
    const { order, lines } = await deliveredOrder();
    const returnId = await requestReturn(order.id, lines[0]!.id);
    await staffDecides(APPROVE_RETURN, returnId);
    const before = await timelineOf(order.id);
    assert.deepEqual(
      before.map((event) => event.type),
      ['order.placed', 'payment.authorized', 'return.requested', 'return.approved'],
    );
    const subscription = follow(order.id, {
      after: encodeEventCursor('order', Number(before[0]!.id)),
    });
    await subscription.take(3);
    const second = await requestReturn(order.id, lines[0]!.id);
    await staffDecides(REJECT_RETURN, second, { reason: 'Worn' });
    const timeline = await timelineOf(order.id);
    const updates = await subscription.take(timeline.length - 1);
    assert.deepEqual(
      updates,
      timeline.slice(1).map((event) => updateOf(event, order.id)),
    );
    subscription.unsubscribe();
  });

  it("refuses another customer's order with FORBIDDEN and an unknown one with NOT_FOUND", async () => {
    const { order } = await deliveredOrder();
    const graces = follow(order.id, { viewer: viewers.customer(GRACE) });
    const unknown = follow(randomUUID());
    for (const [subscription, code] of [
      [graces, 'FORBIDDEN'],
      [unknown, 'NOT_FOUND'],
    ] as const) {
      assert.deepEqual(await subscription.ended, { kind: 'complete' });
      assert.equal(subscription.results.length, 1);
      assert.equal(subscription.results[0]?.data, undefined);
      assert.equal(subscription.results[0]?.errors?.[0]?.extensions?.['code'], code);
    }
  });

  it('refuses a cursor that is not one of an order with BAD_USER_INPUT', async () => {
    const { order } = await deliveredOrder();
    for (const after of ['not-a-cursor', encodeEventCursor('shipment', 1)]) {
      const subscription = follow(order.id, { after });
      await subscription.ended;
      assert.equal(subscription.results[0]?.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
    }
  });

  it('refuses a connection without a signature', async () => {
    await assert.rejects(connectSubscriptionClient(primary.url, { viewer: null }), { code: 4403 });
  });

  it('reaches a subscriber of another instance on the same database', async () => {
    const { order, lines } = await deliveredOrder();
    const subscription = follow(order.id, { on: replicaClient });
    await followed(replica.server, order.id);
    await requestReturn(order.id, lines[0]!.id);
    const [update] = await subscription.take(1);
    assert.deepEqual(update, updateOf((await timelineOf(order.id)).at(-1)!, order.id));
    subscription.unsubscribe();
  });
});
