import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { migrationsFolder as customersMigrations } from '@ordergraph/customers/server';
import { DEMO_CUSTOMERS } from '@ordergraph/customers/seed';
import { migrationsFolder as inventoryMigrations } from '@ordergraph/inventory/server';
import { migrationsFolder as ordersMigrations } from '@ordergraph/orders/server';
import { executeRows, openDatabase, sql, type DatabaseHandle, type Role } from '@ordergraph/shared';
import { testDatabaseKind, waitUntil } from '@ordergraph/shared/testing';
import { signToken } from '../src/auth.js';
import { MUG, TEE } from './support/fixtures.js';
import {
  createOrderDriver,
  type DriverTokens,
  type DrivenOrder,
  type Plan,
} from './support/order-driver.js';
import {
  startReplicaSet,
  type Kill,
  type ReplicaSet,
  type ServiceName,
} from './support/replica-set.js';
import { followOrder, type ResumingSubscriber } from './support/resuming-subscriber.js';
import { JWT_SECRET } from './support/stack.js';

// the proof that nothing is lost when a replica dies: two routers behind a load balancer, two
// replicas of every subgraph, one PostgreSQL. Orders are driven through their whole lives
// while one replica of each service after another is SIGKILLed and started again; then the
// databases and the public API must agree that every order's stock, shipments and money add
// up, that nothing happened twice or not at all, and that subscribers resuming by cursor on
// either router saw every update exactly once. `npm run proof:replicas` runs it alone with 300
// orders; the suite drives 100, enough for every service to lose a replica in turn (the kills
// go on until each has lost one, however fast the orders go). PROOF_ORDERS sets the number.

const ORDERS = Number(process.env['PROOF_ORDERS'] ?? 100);
const WORKERS = 8;
const SUBSCRIBERS = 12;
const PAUSE_BETWEEN_KILLS_MS = 1_000;
const KILL_ORDER: ServiceName[] = [
  'orders',
  'router',
  'shipments',
  'inventory',
  'customers',
  'catalog',
];
const STOCK = 1_000;
// what happens once in an order's life, whatever else repeats (status changes, tracking)
const ONCE = [
  'order.placed',
  'payment.authorized',
  'payment.captured',
  'order.cancelled',
  'refund.issued',
];

const planOf = (index: number): Plan =>
  index % 10 === 3 ? 'cancel' : index % 10 === 7 ? 'return' : 'deliver';
const FINAL: Record<Plan, { status: string; paymentStatus: string }> = {
  deliver: { status: 'DELIVERED', paymentStatus: 'CAPTURED' },
  cancel: { status: 'CANCELLED', paymentStatus: 'VOIDED' },
  // shipping is not refunded with a return
  return: { status: 'RETURNED', paymentStatus: 'PARTIALLY_REFUNDED' },
};

let set: ReplicaSet;
let tokens: DriverTokens;
const databases: Partial<Record<'orders' | 'inventory' | 'customers', DatabaseHandle>> = {};

const skip = testDatabaseKind === 'pglite' && 'needs PostgreSQL: one database shared by replicas';

// twelve processes start on two cores: longer than the suite's default timeout allows
const PROOF_TIMEOUT_MS = 900_000;

before(
  async () => {
    if (skip) return;
    set = await startReplicaSet({ env: { SAGA_RECOVERY_AFTER_MS: '5000' } });
    const token = (subject: string, roles: Role[], carrierCode?: string) =>
      signToken({ secret: JWT_SECRET, subject, roles, ...(carrierCode ? { carrierCode } : {}) });
    tokens = {
      customers: Object.fromEntries(
        await Promise.all(
          DEMO_CUSTOMERS.map(async ({ id }) => [id, await token(id, ['customer'])]),
        ),
      ),
      staff: await token('staff-proof', ['staff']),
      warehouse: await token('picker-proof', ['warehouse']),
      carrier: await token('carrier-ups', ['carrier'], 'ups'),
    };
    databases.orders = await openDatabase({
      url: set.databaseUrls.orders,
      migrationsFolder: ordersMigrations,
    });
    databases.inventory = await openDatabase({
      url: set.databaseUrls.inventory,
      migrationsFolder: inventoryMigrations,
    });
    databases.customers = await openDatabase({
      url: set.databaseUrls.customers,
      migrationsFolder: customersMigrations,
    });
  },
  { timeout: PROOF_TIMEOUT_MS },
);
after(async () => {
  if (skip) return;
  for (const handle of Object.values(databases)) await handle?.close();
  await set?.stop();
});

const rows = <T extends Record<string, unknown>>(
  name: 'orders' | 'inventory' | 'customers',
  query: ReturnType<typeof sql>,
) => executeRows<T>(databases[name]!.db, query);

describe(
  'two replicas of every service, one SIGKILLed after another',
  { skip, timeout: PROOF_TIMEOUT_MS },
  () => {
    it(
      `drives ${ORDERS} orders through their lives and loses or repeats nothing`,
      { timeout: PROOF_TIMEOUT_MS },
      async (t) => {
        const url = `${set.routerOrigin}/graphql`;
        const subscribers: { subscriber: ResumingSubscriber; startIndex: number }[] = [];
        let following = 0;
        const stopDriving = new AbortController();
        // whatever fails, nothing keeps driving or following once the test is over
        t.after(async () => {
          stopDriving.abort();
          for (const { subscriber } of subscribers) await subscriber.stop();
        });
        const driver = createOrderDriver({
          url,
          tokens,
          signal: stopDriving.signal,
          onPlaced: async (order) => {
            if (order.plan === 'cancel' || following >= SUBSCRIBERS) return;
            following++;
            const cursors = await timelineOf(order.orderId);
            subscribers.push({
              startIndex: cursors.length,
              subscriber: followOrder({
                url,
                token: tokens.customers[order.customerId]!,
                orderId: order.orderId,
                after: cursors.at(-1)!.cursor,
              }),
            });
          },
        });
        const timelineOf = async (orderId: string) =>
          (
            await driver.call(
              tokens.staff,
              `query($id: ID!) { order(id: $id) { timeline { cursor type } } }`,
              { id: orderId },
            )
          )['order'].timeline as { cursor: string; type: string }[];

        for (const sku of [TEE, MUG]) {
          await driver.call(
            tokens.staff,
            `mutation($input: ReceiveStockInput!) { receiveStock(input: $input) { __typename } }`,
            {
              input: {
                sku,
                warehouseId: 'wh-east',
                quantity: STOCK,
                idempotencyKey: `proof-${sku}`,
              },
            },
          );
        }
        const [stockBefore] = await rows<{ tee: number; mug: number }>(
          'inventory',
          sql`select sum(on_hand) filter (where sku = ${TEE})::int as tee,
                 sum(on_hand) filter (where sku = ${MUG})::int as mug
          from stock_levels`,
        );

        // the chaos: one replica after another, each service in turn, until the orders are done
        const kills: Kill[] = [];
        let driving = true;
        // a replica comes back while the next service loses one; every service loses one at
        // least once, even when the orders are driven faster than a round of kills
        const chaos = (async () => {
          const restarts = new Map<ServiceName, Promise<void>>();
          for (let round = 0; driving || round < KILL_ORDER.length; round++) {
            const service = KILL_ORDER[round % KILL_ORDER.length]!;
            const index = Math.floor(round / KILL_ORDER.length) % 2;
            await restarts.get(service);
            const { kill, restarted } = await set.killAndRestart(service, index);
            kills.push(kill);
            restarts.set(service, restarted);
            restarted.catch(() => {});
            await new Promise((resolve) => setTimeout(resolve, PAUSE_BETWEEN_KILLS_MS));
          }
          await Promise.all(restarts.values());
        })();
        // its failure is awaited below, once the driving is over
        chaos.catch(() => {});

        const started = Date.now();
        const driven: DrivenOrder[] = [];
        let next = 0;
        try {
          await Promise.all(
            Array.from({ length: WORKERS }, async () => {
              for (let index = next++; index < ORDERS; index = next++) {
                driven.push(
                  await driver.drive({
                    index,
                    plan: planOf(index),
                    customerId: DEMO_CUSTOMERS[index % DEMO_CUSTOMERS.length]!.id,
                    sku: index % 2 === 0 ? TEE : MUG,
                    keyPrefix: 'proof',
                  }),
                );
              }
            }),
          );
        } finally {
          driving = false;
          await chaos.catch(() => {});
        }
        // a kill that went wrong (a replica that did not come back) fails the proof
        await chaos;
        const drivenMs = Date.now() - started;

        // every order reaches the state its life leads to, once the consumers have caught up
        for (const order of driven) {
          await driver.orderState(
            order.orderId,
            (state) => state.status === FINAL[order.plan].status,
            `${order.plan} to end ${FINAL[order.plan].status}`,
          );
        }
        await set.settle();
        const states = await Promise.all(
          driven.map(async (order) => {
            const data = await driver.call(
              tokens.staff,
              `query($id: ID!) { order(id: $id) {
            status paymentStatus total { amount } capturedTotal { amount }
            shipments { status } returns { refundedAmount { amount } } timeline { cursor type } } }`,
              { id: order.orderId },
            );
            return { order, state: data['order'] };
          }),
        );
        // what happened twice, and what is missing or wrong
        const duplicates: string[] = [];
        const timelines: { where: string; plan: Plan; types: string }[] = [];
        const losses: string[] = [];
        for (const { order, state } of states) {
          const where = `order #${order.index} (${order.plan}, ${order.orderId})`;
          const expected = FINAL[order.plan];
          if (state.status !== expected.status || state.paymentStatus !== expected.paymentStatus) {
            losses.push(`${where}: ${state.status}/${state.paymentStatus}`);
          }
          const shipped = order.plan === 'cancel' ? [] : ['DELIVERED'];
          const shipmentStatuses = state.shipments.map((s: { status: string }) => s.status);
          if (
            order.plan === 'cancel'
              ? shipmentStatuses.some((s: string) => s !== 'CANCELLED')
              : JSON.stringify(shipmentStatuses) !== JSON.stringify(shipped)
          ) {
            losses.push(`${where}: shipments ${shipmentStatuses.join(',')}`);
          }
          const captured = order.plan === 'cancel' ? '0.00' : state.total.amount;
          if (state.capturedTotal.amount !== captured) {
            losses.push(
              `${where}: captured ${state.capturedTotal.amount} of ${state.total.amount}`,
            );
          }
          const cursors = state.timeline.map((entry: { cursor: string }) => entry.cursor);
          if (new Set(cursors).size !== cursors.length)
            duplicates.push(`${where}: a timeline cursor twice`);
          const types = state.timeline.map((entry: { type: string }) => entry.type) as string[];
          for (const type of ONCE) {
            const count = types.filter((t) => t === type).length;
            if (count > 1) duplicates.push(`${where}: ${type} ${count} times on the timeline`);
          }
          // a cancellation may come before or after shipments cut the shipment: both lives are right
          const lived =
            order.plan === 'cancel' ? types.filter((type) => type !== 'shipment.updated') : types;
          if (order.plan === 'cancel' && ![0, 2].includes(types.length - lived.length)) {
            losses.push(`${where}: ${types.length - lived.length} shipment updates`);
          }
          timelines.push({ where, plan: order.plan, types: [...lived].sort().join(' ') });
        }
        // every order of a plan lives the same life: its timeline holds the same entries, each as
        // often (a status change or a tracking update more or less is a loss or a duplicate)
        for (const plan of ['deliver', 'cancel', 'return'] as const) {
          const ofPlan = timelines.filter((timeline) => timeline.plan === plan);
          const counts = new Map<string, number>();
          for (const { types } of ofPlan) counts.set(types, (counts.get(types) ?? 0) + 1);
          const usual = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
          for (const { where, types } of ofPlan) {
            if (types !== usual) losses.push(`${where}: timeline ${types}, the others ${usual}`);
          }
        }

        // the payment provider's own books: one capture per delivered order, of its total; every
        // authorization of a cancelled order or of no order at all voided; refunds as the returns
        const payments = await rows<{
          order_id: string | null;
          status: string;
          amount: number;
          captures: number;
          captured: number;
          refunded: number;
        }>(
          'orders',
          sql`select p.order_id, a.status, a.amount::int as amount,
                 count(c.id)::int as captures,
                 coalesce(sum(c.amount), 0)::int as captured,
                 coalesce(sum(c.refunded), 0)::int as refunded
          from test_payment_authorizations a
          left join payments p on p.authorization_id = a.id
          left join test_payment_captures c on c.authorization_id = a.id
          group by p.order_id, a.id, a.status, a.amount`,
        );
        const planByOrder = new Map(driven.map((order) => [order.orderId, order.plan]));
        let strayAuthorizations = 0;
        for (const payment of payments) {
          const plan = payment.order_id ? planByOrder.get(payment.order_id) : undefined;
          if (!plan) {
            strayAuthorizations++;
            if (payment.status !== 'voided' || payment.captures > 0) {
              losses.push(`an authorization of no order left ${payment.status}`);
            }
            continue;
          }
          const expectCaptures = plan === 'cancel' ? 0 : 1;
          if (payment.captures !== expectCaptures) {
            duplicates.push(`order ${payment.order_id}: ${payment.captures} captures`);
          }
          if (plan !== 'cancel' && payment.captured !== payment.amount) {
            losses.push(
              `order ${payment.order_id}: captured ${payment.captured} of ${payment.amount}`,
            );
          }
          if (plan === 'cancel' && payment.status !== 'voided') {
            losses.push(`order ${payment.order_id}: cancelled, authorization ${payment.status}`);
          }
          if ((plan === 'return') !== payment.refunded > 0) {
            losses.push(`order ${payment.order_id}: refunded ${payment.refunded}`);
          }
        }
        const paidOrders = new Set(payments.map((payment) => payment.order_id));
        for (const order of driven) {
          if (!paidOrders.has(order.orderId)) losses.push(`order ${order.orderId}: no payment`);
        }

        // stock: nothing held, and what left and came back is what the orders shipped and returned
        const [stock] = await rows<{ reserved: number; tee: number; mug: number }>(
          'inventory',
          sql`select sum(reserved)::int as reserved,
                 sum(on_hand) filter (where sku = ${TEE})::int as tee,
                 sum(on_hand) filter (where sku = ${MUG})::int as mug
          from stock_levels`,
        );
        const kept = (sku: string) =>
          driven.filter((order) => order.sku === sku && order.plan === 'deliver').length;
        const expectedStock = {
          reserved: 0,
          tee: stockBefore!.tee - kept(TEE),
          mug: stockBefore!.mug - kept(MUG),
        };
        if (JSON.stringify(stock) !== JSON.stringify(expectedStock)) {
          losses.push(`stock ${JSON.stringify(stock)}, expected ${JSON.stringify(expectedStock)}`);
        }

        // notifications: each thing a customer is told, once
        const notifications = await rows<{ order_id: string; kind: string; count: number }>(
          'customers',
          sql`select order_id, kind::text as kind, count(*)::int as count
          from notifications where order_id is not null group by order_id, kind`,
        );
        for (const { order_id, kind, count } of notifications) {
          if (count > 1) duplicates.push(`order ${order_id}: ${kind} notified ${count} times`);
        }
        const told = (orderId: string, kind: string) =>
          notifications.some((n) => n.order_id === orderId && n.kind === kind);
        for (const order of driven) {
          const kinds = {
            deliver: ['ORDER_CONFIRMED', 'ORDER_DELIVERED'],
            cancel: ['ORDER_CONFIRMED', 'ORDER_CANCELLED'],
            return: ['ORDER_CONFIRMED', 'ORDER_DELIVERED', 'REFUND_ISSUED'],
          }[order.plan];
          for (const kind of kinds) {
            if (!told(order.orderId, kind))
              losses.push(`order ${order.orderId}: never told ${kind}`);
          }
        }

        // subscribers: every update after the cursor they started from, once, in order
        const followed: { orderId: string; received: string[]; expected: string[] }[] = [];
        for (const { subscriber, startIndex } of subscribers) {
          const expected = (await timelineOf(subscriber.orderId))
            .slice(startIndex)
            .map((entry) => entry.cursor);
          // a subscriber short of updates is reported below, with what it missed
          await waitUntil(() => subscriber.cursors.length >= expected.length, {
            timeoutMs: 30_000,
            what: `the subscriber of ${subscriber.orderId} to catch up`,
          }).catch(() => {});
          followed.push({
            orderId: subscriber.orderId,
            received: [...subscriber.cursors],
            expected,
          });
        }
        for (const { subscriber } of subscribers) await subscriber.stop();
        for (const { orderId, received, expected } of followed) {
          if (JSON.stringify(received) !== JSON.stringify(expected)) {
            const duplicated = received.length - new Set(received).size;
            const missed = expected.filter((cursor) => !received.includes(cursor)).length;
            const report = `subscriber of ${orderId}: ${received.length} updates for ${expected.length}`;
            if (duplicated > 0) duplicates.push(`${report}, ${duplicated} twice`);
            if (missed > 0 || duplicated === 0) losses.push(`${report}, ${missed} missed`);
          }
        }

        const takeovers = kills.filter((kill) => kill.takeoverMs !== null);
        const figures = {
          orders: driven.length,
          plans: Object.fromEntries(
            (['deliver', 'cancel', 'return'] as const).map((plan) => [
              plan,
              driven.filter((o) => o.plan === plan).length,
            ]),
          ),
          drivenSeconds: Math.round(drivenMs / 1000),
          kills: kills.length,
          killsByService: Object.fromEntries(
            KILL_ORDER.map((service) => [
              service,
              kills.filter((k) => k.service === service).length,
            ]),
          ),
          takeovers: takeovers.length,
          takeoverMs: takeovers.map((kill) => kill.takeoverMs),
          placeOrderInterrupted: driven.reduce((sum, order) => sum + order.interrupted, 0),
          strayAuthorizationsVoided: strayAuthorizations,
          retriedCalls: driver.retries,
          subscribers: subscribers.length,
          subscriberResumptions: subscribers.reduce((sum, s) => sum + s.subscriber.resumptions, 0),
          duplicatesFound: duplicates.length,
          lost: losses.length,
        };
        console.log(`replica proof: ${JSON.stringify(figures)}`);
        assert.deepEqual({ duplicates, losses }, { duplicates: [], losses: [] });
        assert.ok(kills.length >= KILL_ORDER.length, 'every service lost a replica at least once');
        for (const kill of takeovers) assert.ok(kill.takeoverMs! < 15_000, JSON.stringify(kill));
      },
    );
  },
);
