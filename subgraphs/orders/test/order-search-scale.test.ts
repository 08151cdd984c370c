import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql, type Database } from '@ordergraph/shared';
import { viewers, type TestSubgraph } from '@ordergraph/shared/testing';
import { ORDER_STATUSES, PAYMENT_STATUSES } from '../src/db/schema.js';
import { parseOrderFilter, type OrderFilter, type OrderFilterInput } from '../src/order-search.js';
import { createOrderSearchRepository } from '../src/order-search.repository.js';
import { startOrders, type Request } from './support.js';

// the bench's size: every filter must still answer a page from an index
const N = 100_000;
const START = Date.parse('2026-01-01T00:00:00.000Z');
const MINUTE = 60_000;

let subgraph: TestSubgraph;
let request: Request;

/**
 * Order i (1..N), as the SQL below writes it and the hand computation reads it: placed i minutes
 * after START, one of 8 statuses and 5 payment statuses in turn, a total that wanders, 1000
 * customers, SKU-(i mod 200) on every order and MUG-(i mod 7) on even ones, three warehouses.
 */
const orderOf = (i: number) => ({
  i,
  number: `OG-${100_000 + i}`,
  status: ORDER_STATUSES[i % 8]!,
  paymentStatus: PAYMENT_STATUSES[Math.floor(i / 8) % 5]!,
  placedAt: START + i * MINUTE,
  subtotal: 1000 + ((i * 37) % 50_000),
  currency: i % 50 === 0 ? 'EUR' : 'USD',
  skus: i % 2 === 0 ? [`SKU-${i % 200}`, `MUG-${i % 7}`] : [`SKU-${i % 200}`],
  warehouseId: `wh-${i % 3}`,
});

async function seed(db: Database) {
  const statuses = `array[${ORDER_STATUSES.map((s) => `'${s}'`).join(',')}]::order_status[]`;
  const payments = `array[${PAYMENT_STATUSES.map((s) => `'${s}'`).join(',')}]::payment_status[]`;
  await db.execute(
    sql.raw(`insert into orders (id, number, customer_id, status, payment_status, currency,
        subtotal, discount_total, shipping_total, tax_total, total, ship_name, ship_line1,
        ship_city, ship_postal_code, ship_country, placed_at, updated_at)
      select md5('order' || i)::uuid, 'OG-' || (100000 + i), md5('customer' || (i % 1000))::uuid,
        (${statuses})[1 + i % 8], (${payments})[1 + (i / 8) % 5],
        case when i % 50 = 0 then 'EUR' else 'USD' end,
        1000 + (i * 37) % 50000, 0, 500, 0, 1500 + (i * 37) % 50000,
        'Ada Lovelace', '12 St James Square', 'London', 'SW1Y 4JH', 'GB',
        timestamptz '2026-01-01T00:00:00Z' + i * interval '1 minute',
        timestamptz '2026-01-01T00:00:00Z' + i * interval '1 minute'
      from generate_series(1, ${N}) as i`),
  );
  await db.execute(
    sql.raw(`insert into order_lines (order_id, position, sku, quantity, unit_price, total)
      select md5('order' || i)::uuid, 0, 'SKU-' || (i % 200), 1, 1000 + (i * 37) % 50000,
        1000 + (i * 37) % 50000
      from generate_series(1, ${N}) as i`),
  );
  await db.execute(
    sql.raw(`insert into order_lines (order_id, position, sku, quantity, unit_price, total)
      select md5('order' || i)::uuid, 1, 'MUG-' || (i % 7), 1, 0, 0
      from generate_series(2, ${N}, 2) as i`),
  );
  await db.execute(
    sql.raw(`insert into allocations (order_id, order_line_id, warehouse_id, quantity)
      select l.order_id, l.id, 'wh-' || ((substr(o.number, 4)::int - 100000) % 3), l.quantity
      from order_lines l join orders o on o.id = l.order_id`),
  );
  // what autovacuum would have done by then: statistics for the planner, and the visibility
  // map that lets a count read the index alone
  for (const table of ['orders', 'order_lines', 'allocations']) {
    await db.execute(sql.raw(`vacuum analyze ${table}`));
  }
}

before(async () => {
  ({ subgraph, request } = await startOrders());
  await seed(subgraph.handle.db);
});
after(() => subgraph.stop());

const ALL = Array.from({ length: N }, (_, n) => orderOf(n + 1));
// each order's id, as the seed computes it: the tie-breaker of both sorts
const ids = new Map(ALL.map((o) => [o.i, md5Uuid(`order${o.i}`)]));
const total = (order: ReturnType<typeof orderOf>) => order.subtotal + 500;

/** every filter of the search, with the hand computation of what it matches */
const FILTERS: {
  name: string;
  filter: OrderFilterInput;
  keep: (order: ReturnType<typeof orderOf>) => boolean;
}[] = [
  { name: 'no filter', filter: {}, keep: () => true },
  { name: 'status', filter: { status: ['SHIPPED'] }, keep: (o) => o.status === 'SHIPPED' },
  {
    name: 'payment status',
    filter: { paymentStatus: ['REFUNDED'] },
    keep: (o) => o.paymentStatus === 'REFUNDED',
  },
  {
    name: 'placed-at range',
    filter: {
      placedFrom: new Date(START + 50_000 * MINUTE).toISOString(),
      placedTo: new Date(START + 50_300 * MINUTE).toISOString(),
    },
    keep: (o) => o.placedAt >= START + 50_000 * MINUTE && o.placedAt < START + 50_300 * MINUTE,
  },
  { name: 'exact number', filter: { number: 'OG-142424' }, keep: (o) => o.i === 42_424 },
  {
    name: 'number prefix',
    filter: { numberPrefix: 'OG-1424' },
    keep: (o) => o.number.startsWith('OG-1424'),
  },
  {
    name: 'customer',
    filter: { customerId: md5Uuid('customer42') },
    keep: (o) => o.i % 1000 === 42,
  },
  { name: 'SKU', filter: { sku: 'SKU-17' }, keep: (o) => o.skus.includes('SKU-17') },
  { name: 'warehouse', filter: { warehouseId: 'wh-1' }, keep: (o) => o.warehouseId === 'wh-1' },
  {
    name: 'total range',
    filter: { total: { min: '100.00', max: '101.00', currencyCode: 'USD' } },
    keep: (o) => o.currency === 'USD' && total(o) >= 10_000 && total(o) <= 10_100,
  },
];

function md5Uuid(text: string): string {
  // md5(text)::uuid, as the seed computes customer ids
  const hex = createHash('md5').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
const PAGE = `query($filter: OrderFilter, $sort: OrderSort, $after: String) {
  orders(filter: $filter, sort: $sort, first: 20, after: $after) {
    nodes { number } pageInfo { hasNextPage endCursor } totalCount totalCountIsExact } }`;

describe(`Query.orders over ${N.toLocaleString('en')} orders`, () => {
  for (const { name, filter, keep } of FILTERS) {
    for (const sort of [
      { field: 'PLACED_AT', direction: 'DESC' },
      { field: 'TOTAL', direction: 'ASC' },
    ] as const) {
      it(`answers the first two pages of "${name}" by ${sort.field} ${sort.direction} in at most 2 statements each, as the hand computation`, async () => {
        const value = (o: ReturnType<typeof orderOf>) =>
          sort.field === 'PLACED_AT' ? o.placedAt : total(o);
        const sign = sort.direction === 'ASC' ? 1 : -1;
        const matched = ALL.filter(keep);
        const want = matched
          .sort((a, b) => {
            const byValue = sign * (value(a) - value(b));
            if (byValue !== 0) return byValue;
            const [x, y] = [ids.get(a.i)!, ids.get(b.i)!];
            return sign * (x < y ? -1 : x > y ? 1 : 0);
          })
          .map((o) => o.number);
        let after: string | null = null;
        const seen: string[] = [];
        for (let page = 0; page < 2; page++) {
          const before = subgraph.handle.statements.count;
          const response = await request(PAGE, {
            viewer: viewers.staff(),
            variables: { filter, sort, after },
          });
          assert.equal(response.errors, undefined, JSON.stringify(response.errors));
          assert.ok(subgraph.handle.statements.count - before <= 2, 'statements per page');
          const found = response.data!['orders'];
          seen.push(...found.nodes.map((node: { number: string }) => node.number));
          assert.equal(found.totalCount, Math.min(matched.length, 10_000));
          assert.equal(found.totalCountIsExact, matched.length <= 10_000);
          after = found.pageInfo.endCursor;
          if (!found.pageInfo.hasNextPage) break;
        }
        assert.deepEqual(seen, want.slice(0, seen.length));
        assert.equal(seen.length, Math.min(want.length, 40));
      });
    }
  }

  it('uses an index for every filter, for its page and its count (plans printed)', async () => {
    const search = createOrderSearchRepository({ db: subgraph.handle.db });
    for (const { name, filter: input } of FILTERS.filter((f) => f.name !== 'no filter')) {
      const filter = parseOrderFilter(input) as OrderFilter;
      for (const field of ['PLACED_AT', 'TOTAL'] as const) {
        const plans = await search.explain({
          filter,
          sort: { field, direction: 'DESC' },
          after: null,
          limit: 21,
          cap: 10_000,
        });
        console.log(`-- ${name}, by ${field}: page\n${plans.page}\n-- count\n${plans.count}\n`);
        for (const [kind, plan] of Object.entries(plans)) {
          assert.match(plan, /Index (Only )?Scan|Bitmap Index Scan/, `${name} ${kind} by ${field}`);
          assert.doesNotMatch(plan, /Seq Scan on orders/, `${name} ${kind} by ${field}`);
        }
      }
    }
  });
});
