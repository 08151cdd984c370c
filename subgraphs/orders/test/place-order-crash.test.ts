import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { count, eq, isNull, sql } from 'drizzle-orm';
import { dropDatabase, executeRows, openDatabase, type DatabaseHandle } from '@ordergraph/shared';
import {
  freshTestDatabaseUrl,
  startServiceOnFreePort,
  subgraphRequest,
  testDatabaseKind,
  TEST_SIGNING_SECRET,
  viewers,
  waitUntil,
  type ListeningServiceProcess,
} from '@ordergraph/shared/testing';
import {
  orderRequests,
  orders as ordersTable,
  orderLines,
  payments as paymentsTable,
  testPaymentAuthorizations,
} from '../src/db/schema.js';
import { migrationsFolder } from '../src/server.js';
import { GRACE } from './support.js';
import { ADDRESS, EAST, newKey, startTestbed, TEE, type Testbed } from './testbed.js';

// The orders service as `npm start` runs it, SIGKILLed in the middle of a burst of orders and
// started again: whatever each attempt had begun is undone by recovery (or, for an order
// written, confirmed), and every client retry gets a coherent answer (see issue 25).

const ENTRY = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const BURST = 30;
const RECOVERY_AFTER_MS = 2_000;
// recovery waits RECOVERY_AFTER_MS, then the lease of the killed process must expire
const RECOVERY_BUDGET_MS = RECOVERY_AFTER_MS + 8_000;
const PROMO = 'FIVEOFF';
const PLACE = `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) {
  __typename ... on PlaceOrderSuccess { order { id } } ... on UserError { message } } }`;

type Answer = { typename: string; orderId?: string } | { typename: 'no answer' };

let testbed: Testbed;
let url: string;
let db: DatabaseHandle;
let orders: ListeningServiceProcess | null = null;

const startOrders = async () => {
  const service = await startServiceOnFreePort({
    entry: ENTRY,
    env: {
      HOST: '127.0.0.1',
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: undefined,
      ORDERS_DATABASE_URL: url,
      ROUTER_SIGNING_SECRET: TEST_SIGNING_SECRET,
      SEED_DEMO_DATA: 'false',
      CATALOG_URL: testbed.catalog.url,
      INVENTORY_URL: testbed.inventory.url,
      // nothing listens there: this test is about placing orders, not following shipments
      SHIPMENTS_URL: 'http://127.0.0.1:9/graphql',
      SAGA_RECOVERY_AFTER_MS: String(RECOVERY_AFTER_MS),
      LEASE_TTL_MS: '1000',
      OTEL_EXPORTER_OTLP_ENDPOINT: undefined,
    },
  });
  await service.waitUntilReady({ what: 'the orders process to be ready' });
  return service;
};

const skip =
  testDatabaseKind === 'postgres' ? false : 'processes share a database on PostgreSQL only';

before(async () => {
  if (skip) return;
  testbed = await startTestbed();
  await testbed.receive(TEE, EAST, 200);
  url = freshTestDatabaseUrl('orders_crash')!;
  db = await openDatabase({ url, migrationsFolder, maxConnections: 4 });
});
after(async () => {
  if (skip) return;
  await orders?.kill();
  await db.close();
  await dropDatabase(url);
  await testbed.stop();
});

const inputOf = (idempotencyKey: string) => ({
  idempotencyKey,
  lines: [{ sku: TEE, quantity: 1 }],
  shippingAddress: ADDRESS,
  payment: { token: 'tok_visa' },
  promoCode: PROMO,
});

async function place(origin: string, key: string): Promise<Answer> {
  try {
    const response = await subgraphRequest(`${origin}/graphql`, {
      query: PLACE,
      viewer: viewers.customer(GRACE),
      variables: { input: inputOf(key) },
    });
    const result = response.data?.placeOrder;
    if (!result) return { typename: `error: ${response.errors?.[0]?.message}` };
    return { typename: result.__typename, orderId: result.order?.id };
  } catch {
    return { typename: 'no answer' };
  }
}

const single = async <T>(rows: Promise<T[]>) => (await rows)[0]!;

/** What must hold once recovery is done, whatever was killed when. */
async function invariants() {
  const { units } = await single(
    db.db
      .select({ units: sql<number>`coalesce(sum(${orderLines.quantity}), 0)::int` })
      .from(orderLines),
  );
  const { placed } = await single(db.db.select({ placed: count() }).from(ordersTable));
  const { withPromo } = await single(
    db.db.select({ withPromo: count() }).from(ordersTable).where(eq(ordersTable.promoCode, PROMO)),
  );
  const { unsettled } = await single(
    db.db.select({ unsettled: count() }).from(orderRequests).where(isNull(orderRequests.settledAt)),
  );
  // authorizations of no order: the provider must hold nothing for them
  const { openWithoutOrder } = await single(
    db.db
      .select({ openWithoutOrder: count() })
      .from(testPaymentAuthorizations)
      .where(
        sql`${testPaymentAuthorizations.status} <> 'voided' and ${testPaymentAuthorizations.id}
            not in (select ${paymentsTable.authorizationId} from ${paymentsTable})`,
      ),
  );
  const { timesUsed } = await single(
    executeRows<{ timesUsed: number }>(
      testbed.catalog.handle.db,
      sql`select times_used as "timesUsed" from promotions where code = ${PROMO}`,
    ),
  );
  return {
    reserved: (await testbed.stock(TEE)).reserved,
    units,
    placed,
    withPromo,
    timesUsed,
    unsettled,
    openWithoutOrder,
  };
}

const recovered = (state: Awaited<ReturnType<typeof invariants>>) =>
  state.reserved === state.units &&
  state.timesUsed === state.withPromo &&
  state.unsettled === 0 &&
  state.openWithoutOrder === 0;

/** Every key's answer once recovery is done: the same order, or the recorded failure. */
async function checkRetries(
  origin: string,
  keys: readonly string[],
  before: ReadonlyMap<string, Answer>,
) {
  const rows = new Map(
    (await db.db.select().from(orderRequests)).map((row) => [row.idempotencyKey, row]),
  );
  const existing = new Set(
    (await db.db.select({ id: ordersTable.id }).from(ordersTable)).map((o) => o.id),
  );
  const tally: Record<string, number> = {};
  for (const key of keys) {
    const first = await place(origin, key);
    const again = await place(origin, key);
    assert.deepEqual(again, first, `a second retry of ${key} answers as the first`);
    tally[first.typename] = (tally[first.typename] ?? 0) + 1;
    const row = rows.get(key);
    const earlier = before.get(key);
    if (first.typename === 'PlaceOrderSuccess') {
      assert.ok(first.orderId && (existing.has(first.orderId) || !row), `${key}: an order exists`);
      if (row) assert.equal(first.orderId, row.orderId);
      if (earlier?.typename === 'PlaceOrderSuccess') assert.deepEqual(first, earlier);
    } else {
      assert.equal(first.typename, 'PlaceOrderInterruptedError', `${key}: ${first.typename}`);
      assert.ok(row && !existing.has(row.orderId), `${key}: no order was written`);
      assert.notEqual(earlier?.typename, 'PlaceOrderSuccess');
    }
  }
  return tally;
}

async function burstAndKill(
  t: TestContext,
  { label, killWhen }: { label: string; killWhen: () => Promise<boolean> },
) {
  const running = orders!;
  const keys = Array.from({ length: BURST }, () => newKey('crash'));
  const answers = new Map<string, Answer>();
  const burst = Promise.all(
    keys.map(async (key) => answers.set(key, await place(running.origin, key))),
  );
  await waitUntil(killWhen, { timeoutMs: 30_000, what: `the moment to kill (${label})` });
  running.signal('SIGKILL');
  await running.exited;
  await burst;
  const answeredBeforeKill = [...answers.values()].filter((a) => a.typename !== 'no answer').length;
  const atKill = await invariants();

  orders = await startOrders();
  const restarted = Date.now();
  let state = await invariants();
  while (!recovered(state)) {
    assert.ok(
      Date.now() - restarted < RECOVERY_BUDGET_MS,
      `not recovered ${RECOVERY_BUDGET_MS} ms after the restart (${label}): ${JSON.stringify(state)}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    state = await invariants();
  }
  const recoveryMs = Date.now() - restarted;
  const retries = await checkRetries(orders.origin, keys, answers);
  const afterRetries = await invariants();
  assert.ok(
    recovered(afterRetries),
    `still coherent after the retries: ${JSON.stringify(afterRetries)}`,
  );
  t.diagnostic(
    `${label}: ${answeredBeforeKill}/${BURST} answered before SIGKILL, ${atKill.unsettled} ` +
      `attempts left unsettled, ${atKill.reserved - atKill.units} units held and ` +
      `${atKill.openWithoutOrder} authorizations open for no order; recovered ${recoveryMs} ms ` +
      `after the restart was ready (${state.placed} orders in all, ${state.reserved} units ` +
      `reserved); retries: ${JSON.stringify(retries)}`,
  );
}

describe('SIGKILL of the orders service in the middle of placing orders', { skip }, () => {
  it('undoes every abandoned attempt and answers every retry coherently', async (t) => {
    orders = await startOrders();
    // late: some orders are written, others are anywhere in their saga
    const { placed: before } = await single(db.db.select({ placed: count() }).from(ordersTable));
    await burstAndKill(t, {
      label: 'after the first orders',
      killWhen: async () => {
        const { placed } = await single(db.db.select({ placed: count() }).from(ordersTable));
        return placed >= before + 3;
      },
    });
    // early: as soon as a reservation is under way; then as soon as a payment is
    for (const step of ['STOCK_RESERVED', 'PAYMENT_AUTHORIZED']) {
      await burstAndKill(t, {
        label: `at the first ${step}`,
        killWhen: async () => {
          const { begun } = await single(
            db.db
              .select({ begun: count() })
              .from(orderRequests)
              .where(
                sql`${step} = any(${orderRequests.steps}) and ${orderRequests.settledAt} is null`,
              ),
          );
          return begun >= 1;
        },
      });
    }
  });
});
