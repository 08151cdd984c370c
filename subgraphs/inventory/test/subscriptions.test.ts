import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { encodeEventCursor, readEvents, type EventLogRow } from '@ordergraph/shared';
import {
  connectSubscriptionClient,
  startTestSubgraphReplica,
  viewers,
  waitUntil,
  type TestSubgraph,
  type TestSubscriptionClient,
} from '@ordergraph/shared/testing';
import { createCatalogClient } from '../src/clients/catalog.js';
import { createServer, migrationsFolder, type InventoryServer } from '../src/server.js';
import { ADJUST, SET_THRESHOLD, startTestbed, type Testbed } from './helpers.js';

let testbed: Testbed;
let replica: TestSubgraph<InventoryServer>;
let client: TestSubscriptionClient;
let replicaClient: TestSubscriptionClient;

before(async () => {
  testbed = await startTestbed();
  replica = await startTestSubgraphReplica({
    of: testbed.inventory,
    name: 'inventory',
    migrationsFolder,
    createServer: (options) =>
      createServer({
        ...options,
        catalog: createCatalogClient({
          url: testbed.catalog.url,
          signingSecret: options.signingSecret,
        }),
      }),
  });
  // as the router connects: a service, each subscription signed for its end user
  client = await connectSubscriptionClient(testbed.inventory.url);
  replicaClient = await connectSubscriptionClient(replica.url);
});
after(async () => {
  await client.close();
  await replicaClient.close();
  await replica.stop();
  await testbed.stop();
});

const STOCK_CHANGED = `subscription($sku: String!, $after: String) {
  stockChanged(sku: $sku, after: $after) {
    cursor sku type occurredAt warehouse { id } stock { onHand reserved available lowStockThreshold }
    variant { sku available } } }`;

function follow(
  sku: string,
  { after, on = client }: { after?: string; on?: TestSubscriptionClient } = {},
) {
  // stock is open to everyone: an anonymous end user follows it
  return on.subscribe({
    query: STOCK_CHANGED,
    variables: { sku, after },
    viewer: viewers.anonymous(),
  });
}

/** waits until the server holds a live subscription of the SKU */
const followed = (server: InventoryServer, sku: string) =>
  waitUntil(() => server.tail.watching({ streamType: 'sku', streamId: sku }) > 0, {
    what: `a subscription of ${sku}`,
  });

const eventsOf = (sku: string) =>
  readEvents(testbed.inventory.handle.db, { streamType: 'sku', streamId: sku, limit: 1000 });

let keys = 0;
const adjust = async (sku: string, delta: number) => {
  const response = await testbed.request(ADJUST, {
    viewer: viewers.staff(),
    variables: {
      input: {
        sku,
        warehouseId: 'wh-east',
        delta,
        reason: 'COUNT_CORRECTION',
        idempotencyKey: `sub-adjust-${++keys}`,
      },
    },
  });
  assert.equal(response.data?.adjustStock.__typename, 'AdjustStockSuccess');
};

/** what stockChanged sends for an event, with the stock as it stands when sent */
const changeOf = (
  event: EventLogRow,
  stock: { onHand: number; reserved: number; available: number; lowStockThreshold: number },
) => ({
  data: {
    stockChanged: {
      cursor: encodeEventCursor('sku', event.seq),
      sku: event.streamId,
      type: event.type,
      occurredAt: event.occurredAt.toISOString(),
      warehouse: { id: 'wh-east' },
      stock,
      variant: { sku: event.streamId, available: stock.available },
    },
  },
});

describe('stockChanged', () => {
  it('sends a receipt as it commits, with the stock it left', async () => {
    const sku = 'BOTTLE-STEEL-500';
    const subscription = follow(sku);
    await followed(testbed.inventory.server, sku);
    await testbed.receive(sku, 'wh-east', 7);
    const [change] = await subscription.take(1);
    assert.deepEqual(
      change,
      changeOf((await eventsOf(sku)).at(-1)!, {
        onHand: 7,
        reserved: 0,
        available: 7,
        lowStockThreshold: 5,
      }),
    );
    subscription.unsubscribe();
  });

  it('replays exactly the changes after a cursor, in order, then sends live ones', async () => {
    const sku = 'MUG-CERAMIC-WHT';
    await testbed.receive(sku, 'wh-east', 10);
    await adjust(sku, -2);
    await adjust(sku, 1);
    const [received] = await eventsOf(sku);
    const subscription = follow(sku, { after: encodeEventCursor('sku', received!.seq) });
    await subscription.take(2);
    const threshold = await testbed.request(SET_THRESHOLD, {
      viewer: viewers.staff(),
      variables: {
        input: { sku, warehouseId: 'wh-east', threshold: 9, idempotencyKey: `sub-thr-${++keys}` },
      },
    });
    assert.equal(threshold.data?.setLowStockThreshold.__typename, 'SetLowStockThresholdSuccess');
    const events = await eventsOf(sku);
    assert.deepEqual(
      events.map((event) => event.type),
      [
        'stock.received',
        'stock.adjusted',
        'stock.adjusted',
        'stock.low_threshold_set',
        'stock.low',
      ],
    );
    const updates = await subscription.take(4);
    const replayedStock = { onHand: 9, reserved: 0, available: 9, lowStockThreshold: 5 };
    const liveStock = { ...replayedStock, lowStockThreshold: 9 };
    assert.deepEqual(updates, [
      changeOf(events[1]!, replayedStock),
      changeOf(events[2]!, replayedStock),
      changeOf(events[3]!, liveStock),
      changeOf(events[4]!, liveStock),
    ]);
    subscription.unsubscribe();
  });

  it('refuses a cursor that is not one of a SKU with BAD_USER_INPUT', async () => {
    for (const after of ['not-a-cursor', encodeEventCursor('order', 1)]) {
      const subscription = follow('BOTTLE-STEEL-500', { after });
      assert.deepEqual(await subscription.ended, { kind: 'complete' });
      assert.equal(subscription.results[0]?.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
    }
  });

  it('refuses a connection without a signature', async () => {
    await assert.rejects(connectSubscriptionClient(testbed.inventory.url, { viewer: null }), {
      code: 4403,
    });
  });

  it('reaches a subscriber of another instance on the same database', async () => {
    const sku = 'TOTE-CANVAS-NAT';
    const subscription = follow(sku, { on: replicaClient });
    await followed(replica.server, sku);
    await testbed.receive(sku, 'wh-east', 3);
    const [change] = await subscription.take(1);
    assert.deepEqual(
      change,
      changeOf((await eventsOf(sku)).at(-1)!, {
        onHand: 3,
        reserved: 0,
        available: 3,
        lowStockThreshold: 5,
      }),
    );
    subscription.unsubscribe();
  });
});
