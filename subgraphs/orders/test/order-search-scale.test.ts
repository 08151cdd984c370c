import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { after, before, describe, it } from 'node:test';
import * as customers from '@ordergraph/customers/server';
import { sql, toMoney } from '@ordergraph/shared';
import {
  startTestSubgraph,
  testLogger,
  TEST_SIGNING_SECRET,
  viewers,
  type TestSubgraph,
} from '@ordergraph/shared/testing';
import { createCustomersClient } from '../src/clients/customers.js';
import { exportJobs } from '../src/db/schema.js';
import { createExportJobsRepository } from '../src/export-jobs/jobs.repository.js';
import { startExportRunner } from '../src/export-jobs/runner.js';
import { startExport } from '../src/export-jobs/start-export.js';
import { createOrderExportSource } from '../src/search/order-export.js';
import { eq } from 'drizzle-orm';
import { ORDER_STATUSES, PAYMENT_STATUSES } from '../src/db/schema.js';
import {
  parseOrderFilter,
  type OrderFilter,
  type OrderFilterInput,
} from '../src/search/order-search.js';
import { createOrderSearchRepository } from '../src/search/order-search.repository.js';
import { seedScaleOrders } from '../scripts/scale-seed.js';
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

before(async () => {
  ({ subgraph, request } = await startOrders());
  await seedScaleOrders(subgraph.handle.db, N);
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
/** a full garbage collection, so that heap figures count what is retained */
function collectGarbage() {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
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
          const started = performance.now();
          const response = await request(PAGE, {
            viewer: viewers.staff(),
            variables: { filter, sort, after },
          });
          // printed, not asserted: the goal is under 50 ms on the bench's machine
          const ms = (performance.now() - started).toFixed(1);
          console.log(`${name} by ${sort.field} ${sort.direction}, page ${page + 1}: ${ms} ms`);
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

describe(`exportOrders over ${N.toLocaleString('en')} orders`, () => {
  it('writes every order, each row as the hand computation, in pages of 1,000 (time and memory printed)', async () => {
    const customersSubgraph = await startTestSubgraph({
      name: 'customers',
      migrationsFolder: customers.migrationsFolder,
      createServer: (options) => customers.createServer(options),
    });
    try {
      await customersSubgraph.handle.db.execute(
        sql.raw(`insert into customers (id, email, name)
          select md5('customer' || n)::uuid, 'customer' || n || '@example.com', 'Customer ' || n
          from generate_series(0, 999) as n`),
      );
      const handle = subgraph.handle;
      const source = createOrderExportSource({
        db: handle.db,
        customers: createCustomersClient({
          url: customersSubgraph.url,
          signingSecret: TEST_SIGNING_SECRET,
        }),
      });
      const started = await startExport({
        db: handle.db,
        source,
        params: parseOrderFilter({}) as OrderFilter,
        format: 'CSV',
        viewer: viewers.staff(),
        mutation: 'exportOrders',
        input: { format: 'CSV' },
        idempotencyKey: 'scale-export',
      });
      assert.equal(started.__typename, 'ExportOrdersSuccess');
      const jobId = (started as { jobId: string }).jobId;

      collectGarbage();
      const heapBefore = process.memoryUsage().heapUsed;
      const rssBefore = process.memoryUsage().rss;
      let peak = rssBefore;
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss);
      }, 20);
      const began = performance.now();
      const runner = await startExportRunner({
        handle,
        sources: [source],
        log: testLogger('exports'),
        pageSize: 1_000,
      });
      await runner.settled();
      await runner.stop();
      clearInterval(sampler);
      const seconds = ((performance.now() - began) / 1000).toFixed(1);
      const growth = ((peak - rssBefore) / 2 ** 20).toFixed(1);
      collectGarbage();
      const retained = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
      // this process runs the customers service too, whose garbage the peak counts
      console.log(
        `export of ${N} orders: ${seconds} s, peak RSS growth ${growth} MB, heap retained ${retained.toFixed(1)} MB`,
      );
      // the file went to the database page by page: none of it stays in memory
      assert.ok(retained < 50, `heap retained ${retained} MB`);

      const [job] = await handle.db.select().from(exportJobs).where(eq(exportJobs.id, jobId));
      assert.equal(job!.status, 'SUCCEEDED');
      assert.equal(job!.rowCount, N);
      assert.equal(job!.chunkCount, N / 1_000 + 1);
      const chunks = await createExportJobsRepository({ db: handle.db }).chunks({
        jobId,
        fromSeq: 0,
        limit: job!.chunkCount,
      });
      const lines = chunks
        .map((chunk) => chunk.data)
        .join('')
        .split('\r\n');
      assert.equal(lines.pop(), '');
      assert.equal(lines.length, N + 1);
      assert.equal(lines[0], source.columns.join(','));
      const money = (minor: number, currency: string) => toMoney(minor, currency).amount;
      for (const order of ALL) {
        const customer = order.i % 1000;
        const want = [
          order.number,
          new Date(order.placedAt).toISOString(),
          order.status,
          order.paymentStatus,
          md5Uuid(`customer${customer}`),
          `customer${customer}@example.com`,
          order.currency,
          money(order.subtotal, order.currency),
          money(0, order.currency),
          money(500, order.currency),
          money(0, order.currency),
          money(total(order), order.currency),
          String(order.skus.length),
        ].join(',');
        // oldest first: order i is line i
        if (lines[order.i] !== want) assert.equal(lines[order.i], want, `order ${order.i}`);
      }
    } finally {
      await customersSubgraph.stop();
    }
  });
});
