import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { viewers, type TestSubgraph } from '@ordergraph/shared/testing';
import type { OrderRow } from '../src/db/schema.js';
import { insertOrder, startOrders, type Request } from './support.js';

let subgraph: TestSubgraph;
let request: Request;
let order: OrderRow;

before(async () => {
  ({ subgraph, request } = await startOrders());
  order = await insertOrder(subgraph.handle);
});
after(() => subgraph.stop());

const FEED = `query($after: String!, $first: Int!, $waitMs: Int!) {
  ordersEventLog(after: $after, first: $first, waitMs: $waitMs) {
    seq type streamType streamId payload occurredAt } }`;

describe('ordersEventLog, the feed other services follow', () => {
  it('gives a service the log after a cursor, oldest first, payloads as JSON', async () => {
    const response = await request(FEED, {
      viewer: viewers.service('shipments'),
      variables: { after: '0', first: 10, waitMs: 0 },
    });
    assert.equal(response.errors, undefined);
    const events = response.data?.ordersEventLog as Record<string, string>[];
    assert.deepEqual(
      events.map(({ type, streamType, streamId, payload, occurredAt }) => ({
        type,
        streamType,
        streamId,
        orderId: JSON.parse(payload!).orderId,
        occurredAt: new Date(occurredAt!).toISOString() === occurredAt,
      })),
      ['order.placed', 'payment.authorized'].map((type) => ({
        type,
        streamType: 'order',
        streamId: order.id,
        orderId: order.id,
        occurredAt: true,
      })),
    );
    const next = await request(FEED, {
      viewer: viewers.service('shipments'),
      variables: { after: events[0]!.seq, first: 10, waitMs: 0 },
    });
    assert.deepEqual(
      next.data?.ordersEventLog.map((event: { type: string }) => event.type),
      ['payment.authorized'],
    );
  });

  it('refuses anyone but a service', async () => {
    for (const viewer of [viewers.customer(order.customerId), viewers.staff()]) {
      const response = await request(FEED, {
        viewer,
        variables: { after: '0', first: 10, waitMs: 0 },
      });
      assert.equal(response.data, null);
      assert.equal(response.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    }
  });
});
