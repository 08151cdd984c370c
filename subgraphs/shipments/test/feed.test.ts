import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { MAX_FEED_WAIT_MS, type Viewer } from '@ordergraph/shared';
import {
  startTestSubgraph,
  subgraphRequest,
  viewers,
  waitUntil,
  withDeadline,
  type TestSubgraph,
} from '@ordergraph/shared/testing';
import { createServer, migrationsFolder, type ShipmentsServer } from '../src/server.js';
import { ADA, createShipment, WAREHOUSE } from './fixtures.js';

let subgraph: TestSubgraph<ShipmentsServer>;
before(async () => {
  subgraph = await startTestSubgraph({ name: 'shipments_feed', migrationsFolder, createServer });
});
after(() => subgraph.stop());

interface LoggedEvent {
  seq: string;
  type: string;
  streamType: string;
  streamId: string;
  payload: string;
  occurredAt: string;
}

const FEED = `query($after: String!, $first: Int!, $waitMs: Int!) {
  shipmentsEventLog(after: $after, first: $first, waitMs: $waitMs) {
    seq type streamType streamId payload occurredAt } }`;

const read = (
  after: string,
  { first = 100, waitMs = 0, viewer = viewers.service('orders') as Viewer } = {},
) => subgraphRequest(subgraph.url, { query: FEED, viewer, variables: { after, first, waitMs } });

describe('shipmentsEventLog', () => {
  it('gives other services the log after a cursor, oldest first, payloads as JSON', async () => {
    const line = { orderLineId: randomUUID(), sku: 'TEE-BLK-M', quantity: 2 };
    const shipment = await createShipment(subgraph.handle, { lines: [line] });
    const events = (await read('0')).data?.shipmentsEventLog as LoggedEvent[];
    const {
      seq: _seq,
      occurredAt,
      payload,
      ...created
    } = events.find((event) => event.streamId === shipment.id)!;
    assert.ok(!Number.isNaN(Date.parse(occurredAt)));
    assert.deepEqual(
      { ...created, payload: JSON.parse(payload) },
      {
        type: 'shipment.created',
        streamType: 'shipment',
        streamId: shipment.id,
        payload: {
          shipmentId: shipment.id,
          orderId: shipment.orderId,
          customerId: ADA,
          warehouseId: WAREHOUSE,
          status: 'PENDING',
          previousStatus: null,
          lines: [line],
          actor: { kind: 'SYSTEM', id: 'test', name: 'test' },
        },
      },
    );
    const seqs = events.map((event) => Number(event.seq));
    assert.deepEqual(
      seqs,
      [...seqs].sort((a, b) => a - b),
    );
    const last = events.at(-1)!.seq;
    assert.deepEqual(await read(last), { status: 200, data: { shipmentsEventLog: [] } });
    assert.deepEqual((await read('0', { first: 1 })).data?.shipmentsEventLog.length, 1);
  });

  it('waits for the next event when asked to, and returns it as soon as it is committed', async () => {
    const last = (await read('0', { first: 500 })).data?.shipmentsEventLog.at(-1)?.seq ?? '0';
    const waiting = read(last, { waitMs: MAX_FEED_WAIT_MS });
    await waitUntil(() => subgraph.server.feed.waiting() === 1, {
      what: 'the read to wait for the next commit',
    });
    const shipment = await createShipment(subgraph.handle);
    // left alone, the read would answer when its wait is up: the deadline comes well before
    const answer = await withDeadline(waiting, {
      what: `the waiting read to answer with the new shipment, before its ${MAX_FEED_WAIT_MS} ms are up`,
      timeoutMs: MAX_FEED_WAIT_MS / 2,
    });
    const events = answer.data?.shipmentsEventLog as { type: string; streamId: string }[];
    assert.deepEqual(
      events.map(({ type, streamId }) => ({ type, streamId })),
      [{ type: 'shipment.created', streamId: shipment.id }],
    );
  });

  const refusals: [string, Viewer][] = [
    ['staff', viewers.staff()],
    ['the warehouse', viewers.warehouse()],
    ['a carrier', viewers.carrier('ups')],
    ['a customer', viewers.customer(ADA)],
  ];
  for (const [who, viewer] of refusals) {
    it(`is for services only: refuses ${who}`, async () => {
      const response = await read('0', { viewer });
      assert.deepEqual(
        {
          data: response.data,
          errors: response.errors?.map((e) => ({ message: e.message, code: e.extensions?.code })),
        },
        {
          data: null,
          errors: [{ message: 'The event log is for other services only.', code: 'FORBIDDEN' }],
        },
      );
    });
  }

  it('refuses a cursor that is not an event seq', async () => {
    const response = await read('yesterday');
    assert.deepEqual(
      response.errors?.map((e) => e.extensions?.code),
      ['BAD_USER_INPUT'],
    );
  });
});
