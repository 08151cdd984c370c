import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  stackWithAnOrder,
  TRACK_ORDER,
  timelineCursors,
  type Lifecycle,
} from './support/order-steps.js';
import type { Stack } from './support/stack.js';
import {
  subscribeOverWebSocket,
  type OpenSubscription,
  type Result,
} from './support/subscription-clients.js';

// a client that goes away and comes back with its last cursor misses nothing and sees nothing
// twice: after a disconnect, a router restart, or an outage of the subgraph it streams from

let stack: Stack;
let steps: Lifecycle;
let orderId: string;
let trackingNumber: string;
before(async () => {
  ({ stack, steps, orderId } = await stackWithAnOrder());
  const shipmentId = await steps.shipmentOf(orderId);
  await steps.pickAndPack(shipmentId);
  trackingNumber = '1Z999AA10100000001';
  await steps.ship(shipmentId, { carrierCode: 'ups', trackingNumber });
});
after(() => stack.stop());

const cursorsOf = (results: Result[]) =>
  results.map((r) => r.data?.['orderUpdated']?.cursor as string);

const subscribe = (afterCursor?: string) =>
  subscribeOverWebSocket({
    url: stack.routerUrl,
    query: TRACK_ORDER,
    variables: { orderId, after: afterCursor ?? null },
    token: steps.tokens.grace,
  });

// a round the carrier may repeat: on its way, out for delivery, nobody home, on its way again
const ROUND = ['IN_TRANSIT', 'OUT_FOR_DELIVERY', 'FAILED_ATTEMPT'] as const;
let scans = 0;
/** a carrier scan that moves the parcel: one update on the order's timeline */
async function move({ settle = true } = {}): Promise<void> {
  await steps.scan('ups', trackingNumber, ROUND[scans++ % ROUND.length]!, { settle });
}

async function threeChanges(): Promise<void> {
  for (let i = 0; i < 3; i++) await move();
}

/** where a client that has just loaded the order page is */
const lastCursor = async () => (await timelineCursors(stack, orderId, steps.tokens.grace)).at(-1)!;

/** the order's timeline cursors after `cursor` */
async function missedSince(cursor: string): Promise<string[]> {
  const all = await timelineCursors(stack, orderId, steps.tokens.grace);
  return all.slice(all.indexOf(cursor) + 1);
}

async function resumeAndCheck(lastCursor: string): Promise<OpenSubscription> {
  const missed = await missedSince(lastCursor);
  assert.equal(missed.length, 3, 'three changes, three updates');
  const resumed = subscribe(lastCursor);
  const results = await resumed.received.atLeast(3);
  assert.deepEqual(cursorsOf(results), missed);
  return resumed;
}

describe('resuming with a cursor', () => {
  it('replays exactly the three updates missed while disconnected, then continues live', async () => {
    const cursors = await timelineCursors(stack, orderId, steps.tokens.grace);
    const lastSeen = cursors.at(-1)!;
    await threeChanges();
    const resumed = await resumeAndCheck(lastSeen);
    await move();
    const results = await resumed.received.atLeast(4);
    const all = await timelineCursors(stack, orderId, steps.tokens.grace);
    assert.deepEqual(cursorsOf(results), all.slice(all.indexOf(lastSeen) + 1));
    await resumed.close();
  });

  it('replays the same way across a router restart', async () => {
    const live = subscribe(await lastCursor());
    await move();
    const [first] = await live.received.atLeast(1);
    const lastSeen = cursorsOf([first!])[0]!;
    await stack.restartRouter();
    // the router's shutdown ends the stream with a code telling the client to resubscribe
    const ended = await live.received.end();
    assert.equal(ended.at(-1)?.errors?.[0]?.extensions?.['code'], 'SUBSCRIPTION_SERVER_SHUTDOWN');
    await live.close();
    await threeChanges();
    const resumed = await resumeAndCheck(lastSeen);
    await resumed.close();
  });

  it('survives a restart of the subgraph it streams from, without loss or repeat', async () => {
    const live = subscribe(await lastCursor());
    await move();
    const [first] = await live.received.atLeast(1);
    const lastSeen = cursorsOf([first!])[0]!;

    await stack.stopSubgraph('orders');
    const outage = await live.received.atLeast(2);
    assert.equal(outage[1]?.errors?.[0]?.extensions?.['code'], 'SUBGRAPH_UNAVAILABLE');
    // scans go on at the carrier while orders is down; orders catches up when it returns
    await move({ settle: false });
    await move({ settle: false });
    await stack.startSubgraph('orders');
    await stack.settle();
    await steps.scan('ups', trackingNumber, 'DELIVERED');

    const missed = await missedSince(lastSeen);
    const updates = () => live.received.results.filter((r) => !r.errors);
    await waitForCount(live, () => updates().length - 1 >= missed.length);
    assert.deepEqual(cursorsOf(updates()).slice(1), missed);
    assert.equal(updates().at(-1)?.data?.['orderUpdated'].order.status, 'DELIVERED');
    await live.close();
  });
});

async function waitForCount(subscription: OpenSubscription, done: () => boolean): Promise<void> {
  for (let count = subscription.received.results.length; !done(); count++) {
    await subscription.received.atLeast(count + 1, 30_000);
  }
}
