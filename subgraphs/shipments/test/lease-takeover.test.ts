import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  createServer as createOrdersServer,
  migrationsFolder as ordersMigrations,
} from '@ordergraph/orders/server';
import {
  appendEvent,
  dropDatabase,
  ordersEvents,
  executeRows,
  openDatabase,
  sql,
  type DatabaseHandle,
} from '@ordergraph/shared';
import {
  freshTestDatabaseUrl,
  startServiceOnFreePort,
  startTestSubgraph,
  TEST_SIGNING_SECRET,
  waitUntil,
  type ListeningServiceProcess,
  type TestSubgraph,
} from '@ordergraph/shared/testing';
import { ORDERS_CONSUMER } from '../src/consumers.js';
import { migrationsFolder } from '../src/server.js';
import { ADA } from './fixtures.js';

// two processes of the shipments service on one database: one follows the orders feed; when
// it is SIGKILLed, the other takes its lease over within the ttl and carries on from the cursor

const LEASE_TTL_MS = 1_500;
const url = freshTestDatabaseUrl('shipments_lease');
const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));

let orders: TestSubgraph;
let database: DatabaseHandle;
const replicas: ListeningServiceProcess[] = [];

/** the replica's `ordergraph_lease_held` and `ordergraph_lease_takeovers_total` for the consumer */
async function leaseOf(replica: ListeningServiceProcess) {
  const text = await (await fetch(`${replica.origin}/metrics`)).text();
  const value = (metric: string) => {
    const line = text
      .split('\n')
      .find((candidate) => candidate.startsWith(`${metric}{lease="${ORDERS_CONSUMER}"`));
    return line === undefined ? undefined : Number(line.split(' ').at(-1));
  };
  return {
    held: value('ordergraph_lease_held'),
    takeovers: value('ordergraph_lease_takeovers_total'),
  };
}

/** what the orders service commits when an order is placed, with one line in wh-east */
async function placeOrder(): Promise<string> {
  const orderId = randomUUID();
  await orders.handle.db.transaction((tx) =>
    appendEvent(
      tx,
      ordersEvents.event({
        streamType: 'order',
        streamId: orderId,
        type: 'order.placed',
        payload: {
          orderId,
          customerId: ADA,
          number: 'OG-100001',
          lines: [],
          allocations: [
            {
              warehouseId: 'wh-east',
              lines: [{ orderLineId: randomUUID(), sku: 'MUG-CERAMIC-WHT', quantity: 1 }],
            },
          ],
          promoCode: null,
          currency: 'USD',
          subtotal: 1200,
          discountTotal: 0,
          shippingTotal: 0,
          taxTotal: 0,
          total: 1200,
        },
      }),
    ),
  );
  return orderId;
}

const shipmentsOf = async (orderId: string) =>
  (
    await executeRows<{ count: number }>(
      database.db,
      sql`select count(*)::int as count from shipments where order_id = ${orderId}`,
    )
  )[0]!.count;

before(async () => {
  if (!url) return;
  orders = await startTestSubgraph({
    name: 'lease_orders',
    migrationsFolder: ordersMigrations,
    createServer: createOrdersServer,
  });
  const env = {
    SHIPMENTS_DATABASE_URL: url,
    DATABASE_URL: undefined,
    ORDERS_URL: orders.url,
    ROUTER_SIGNING_SECRET: TEST_SIGNING_SECRET,
    LEASE_TTL_MS: String(LEASE_TTL_MS),
    SEED_DEMO_DATA: 'false',
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
  };
  // both at once on an empty database: the migrations run once, under their lock
  replicas.push(...(await Promise.all([1, 2].map(() => startServiceOnFreePort({ entry, env })))));
  await Promise.all(replicas.map((replica) => replica.waitUntilReady()));
  database = await openDatabase({ url, migrationsFolder, maxConnections: 2 });
});
after(async () => {
  if (!url) return;
  await Promise.all(replicas.map((replica) => replica.kill()));
  await database?.close();
  await orders?.stop();
  await dropDatabase(url);
});

describe('two replicas of a service', { skip: !url && 'needs a PostgreSQL server' }, () => {
  it('follow the feed on one, and on the other within the ttl once it is SIGKILLed', async (t) => {
    const leases = await Promise.all(replicas.map(leaseOf));
    const holderIndex = leases.findIndex((lease) => lease.held === 1);
    assert.deepEqual(
      leases.map((lease) => lease.held).sort(),
      [0, 1],
      'exactly one replica holds the consumer',
    );
    const holder = replicas[holderIndex]!;
    const other = replicas[1 - holderIndex]!;

    const first = await placeOrder();
    await waitUntil(async () => (await shipmentsOf(first)) === 1, { what: 'the first shipment' });

    const killedAt = holder.signal('SIGKILL');
    await holder.exited;
    await waitUntil(async () => (await leaseOf(other)).held === 1, {
      timeoutMs: 3 * LEASE_TTL_MS,
      what: 'the other replica to take the lease over',
    });
    const tookMs = Date.now() - killedAt;
    // expiry (at most the ttl after the last renewal), then the next try (ttl/3), then a scrape
    assert.ok(tookMs < LEASE_TTL_MS + LEASE_TTL_MS / 3 + 1_000, `took over after ${tookMs} ms`);
    t.diagnostic(`taken over ${tookMs} ms after the SIGKILL (LEASE_TTL_MS=${LEASE_TTL_MS})`);
    assert.deepEqual(await leaseOf(other), { held: 1, takeovers: 1 });
    const acquired = other.logs.filter(
      (line) => line['msg'] === 'lease acquired' && line['lease'] === ORDERS_CONSUMER,
    );
    assert.equal(acquired.length, 1);

    const second = await placeOrder();
    await waitUntil(async () => (await shipmentsOf(second)) === 1, {
      what: 'the second shipment, made by the new holder',
    });
    assert.equal(await shipmentsOf(first), 1);
    const [cursor] = await executeRows<{ position: number }>(
      database.db,
      sql`select position::int as position from event_cursors where consumer = ${ORDERS_CONSUMER}`,
    );
    const [head] = await executeRows<{ seq: number }>(
      orders.handle.db,
      sql`select max(seq)::int as seq from event_log`,
    );
    assert.equal(cursor!.position, head!.seq);
  });
});
