import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  requestReturn,
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

/** waits until the update with `cursor` has arrived, then returns every result so far */
async function untilCursor(subscription: OpenSubscription, cursor: string): Promise<Result[]> {
  for (let index = 0; ; index++) {
    const results = await subscription.received.atLeast(index + 1, 30_000);
    const result = results[index];
    assert.ok(result, `the stream ended before ${cursor}: ${JSON.stringify(results)}`);
    if (cursorsOf([result])[0] === cursor) return results;
  }
}

/**
 * Resumes from `lastCursor` after three changes, then makes one more: the stream is compared
 * whole once that live one is in, so a replayed update sent again later shows.
 */
async function resumeAndCheck(lastCursor: string): Promise<OpenSubscription> {
  const missed = await missedSince(lastCursor);
  assert.equal(missed.length, 3, 'three changes, three updates');
  const resumed = subscribe(lastCursor);
  assert.deepEqual(cursorsOf(await resumed.received.atLeast(3)), missed);
  await move();
  const all = await missedSince(lastCursor);
  assert.equal(all.length, 4, 'one live change, one update');
  assert.deepEqual(cursorsOf(await untilCursor(resumed, all.at(-1)!)), all);
  return resumed;
}

/** each result as its cursor, or as the code of its first error */
const shapeOf = (results: Result[]) =>
  results.map((r) => (r.errors ? String(r.errors[0]?.extensions?.['code']) : cursorsOf([r])[0]));

describe('resuming with a cursor', () => {
  it('replays exactly the three updates missed while disconnected, then continues live', async () => {
    const cursors = await timelineCursors(stack, orderId, steps.tokens.grace);
    const lastSeen = cursors.at(-1)!;
    await threeChanges();
    const resumed = await resumeAndCheck(lastSeen);
    await resumed.close();
  });

  it('replays the same way across a router restart', async () => {
    const live = subscribe(await lastCursor());
    await move();
    const [first] = await live.received.atLeast(1);
    const lastSeen = cursorsOf([first!])[0]!;
    await stack.restartRouter();
    // the router's shutdown ends the stream with a code telling the client to resubscribe:
    // the one update, then that, and nothing else
    const ended = await live.received.end();
    assert.deepEqual(shapeOf(ended), [lastSeen, 'SUBSCRIPTION_SERVER_SHUTDOWN']);
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
    // a last change after the others: an update sent twice would come before it
    await requestReturn(stack, { orderId, token: steps.tokens.grace });

    const missed = await missedSince(lastSeen);
    const results = await untilCursor(live, missed.at(-1)!);
    // the first update, the outage (told once per attempt to reconnect), then every missed one
    const shape = shapeOf(results);
    const outages = shape.filter((entry) => entry === 'SUBGRAPH_UNAVAILABLE').length;
    assert.ok(outages >= 1, JSON.stringify(shape));
    assert.deepEqual(shape, [
      lastSeen,
      ...Array.from({ length: outages }, () => 'SUBGRAPH_UNAVAILABLE'),
      ...missed,
    ]);
    const statuses = results.map((r) => r.data?.['orderUpdated']?.order.status);
    assert.ok(statuses.includes('DELIVERED'), JSON.stringify(statuses));
    await live.close();
  });
});
