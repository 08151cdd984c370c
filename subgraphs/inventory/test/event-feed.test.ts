import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { latestEventSeq, MAX_FEED_WAIT_MS } from '@ordergraph/shared';
import { viewers, waitUntil, withDeadline } from '@ordergraph/shared/testing';
import { startTestbed, type Testbed } from './helpers.js';

let testbed: Testbed;
// the seed's own events (its warehouses created) come first
let seeded: number;
const seq = (n: number) => String(seeded + n);
before(async () => {
  testbed = await startTestbed();
  seeded = await latestEventSeq(testbed.inventory.handle.db);
  await testbed.receive('CANDLE-CEDAR', 'wh-east', 3);
  await testbed.receive('CANDLE-CEDAR', 'wh-west', 1);
});
after(() => testbed.stop());

const FEED = `query($after: String!, $first: Int!, $waitMs: Int!) {
  inventoryEventLog(after: $after, first: $first, waitMs: $waitMs) {
    seq type streamType streamId payload occurredAt } }`;
const read = (variables: Record<string, unknown>, viewer = viewers.service('shipments')) =>
  testbed.request(FEED, { viewer, variables: { first: 100, waitMs: 0, ...variables } });

describe('inventoryEventLog, the feed other services follow', () => {
  it('returns the events after a seq, oldest first, with JSON payloads', async () => {
    const response = await read({ after: seq(0) });
    const events = response.data?.inventoryEventLog as Record<string, string>[];
    assert.deepEqual(
      events.map(({ seq, type, streamType, streamId, payload }) => ({
        seq,
        type,
        streamType,
        streamId,
        payload: JSON.parse(payload!),
      })),
      [
        {
          seq: seq(1),
          type: 'stock.received',
          streamType: 'sku',
          streamId: 'CANDLE-CEDAR',
          payload: {
            sku: 'CANDLE-CEDAR',
            warehouseId: 'wh-east',
            quantity: 3,
            onHand: 3,
            reserved: 0,
          },
        },
        {
          seq: seq(2),
          type: 'stock.received',
          streamType: 'sku',
          streamId: 'CANDLE-CEDAR',
          payload: {
            sku: 'CANDLE-CEDAR',
            warehouseId: 'wh-west',
            quantity: 1,
            onHand: 1,
            reserved: 0,
          },
        },
      ],
    );
    assert.deepEqual(
      (await read({ after: seq(1), first: 1 })).data?.inventoryEventLog.map(
        (e: { seq: string }) => e.seq,
      ),
      [seq(2)],
    );
  });

  it('waits for the next event when asked to', async () => {
    const waiting = read({ after: seq(2), waitMs: MAX_FEED_WAIT_MS });
    await waitUntil(() => testbed.inventory.server.feed.waiting() === 1, {
      what: 'the read to wait for the next commit',
    });
    await testbed.receive('CANDLE-CEDAR', 'wh-east', 1);
    // left alone, the read would answer when its wait is up: the deadline comes well before
    const response = await withDeadline(waiting, {
      what: `the waiting read to answer with the receipt, before its ${MAX_FEED_WAIT_MS} ms are up`,
      timeoutMs: MAX_FEED_WAIT_MS / 2,
    });
    assert.deepEqual(
      response.data?.inventoryEventLog.map((event: { seq: string; type: string }) => [
        event.seq,
        event.type,
      ]),
      [[seq(3), 'stock.received']],
    );
  });

  it('refuses a bad cursor, and is FORBIDDEN for everyone but services', async () => {
    const bad = await read({ after: 'abc' });
    assert.deepEqual(
      bad.errors?.map((error) => error.extensions?.code),
      ['BAD_USER_INPUT'],
    );
    for (const viewer of [viewers.staff(), viewers.warehouse(), viewers.anonymous()]) {
      const response = await read({ after: '0' }, viewer);
      assert.equal(response.data, null);
      assert.deepEqual(
        response.errors?.map((error) => error.extensions?.code),
        ['FORBIDDEN'],
      );
    }
  });
});
