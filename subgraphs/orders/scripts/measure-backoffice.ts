/**
 * `npm run measure:backoffice`: the back office at the bench's scale on PostgreSQL
 * (TEST_DATABASE_URL or DATABASE_URL names the server; a database og_measure_backoffice is made
 * afresh). Seeds 100,000 orders, times the first page of staff order search for each filter
 * (median of RUNS, through the orders service's GraphQL endpoint), then exports every order as
 * CSV in a process of its own and reports its time and RSS growth. Goals (issue 18): each page
 * under 50 ms; the export under 60 s with RSS growth under 50 MB.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as customers from '@ordergraph/customers/server';
import { dropDatabase, openDatabase, sql, withDatabase } from '@ordergraph/shared';
import {
  subgraphRequest,
  testLogger,
  TEST_SIGNING_SECRET,
  viewers,
} from '@ordergraph/shared/testing';
import { createServer, migrationsFolder } from '../src/server.js';
import { seedScaleOrders } from './scale-seed.js';

const N = 100_000;
const RUNS = 7;
const server = process.env['TEST_DATABASE_URL'] ?? process.env['DATABASE_URL'];
if (!server) throw new Error('Set TEST_DATABASE_URL or DATABASE_URL to a PostgreSQL server.');
const ordersUrl = withDatabase(server, 'og_measure_backoffice');
const customersDbUrl = withDatabase(server, 'og_measure_backoffice_customers');

const minutesIn = (minutes: number) =>
  new Date(Date.parse('2026-01-01T00:00:00.000Z') + minutes * 60_000).toISOString();

const FILTERS: [string, Record<string, unknown>][] = [
  ['no filter', {}],
  ['status', { status: ['SHIPPED'] }],
  ['payment status', { paymentStatus: ['REFUNDED'] }],
  ['placed-at range', { placedFrom: minutesIn(50_000), placedTo: minutesIn(50_300) }],
  ['exact number', { number: 'OG-142424' }],
  ['number prefix', { numberPrefix: 'OG-1424' }],
  ['customer', { customerId: '01bcda64-aac6-f068-7e27-cf672d390d45' /* md5('customer42') */ }],
  ['SKU', { sku: 'SKU-17' }],
  ['warehouse', { warehouseId: 'wh-1' }],
  ['total range', { total: { min: '100.00', max: '101.00', currencyCode: 'USD' } }],
];
const PAGE = `query($filter: OrderFilter, $sort: OrderSort) {
  orders(filter: $filter, sort: $sort, first: 20) { nodes { number } totalCount } }`;

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

for (const url of [ordersUrl, customersDbUrl]) await dropDatabase(url);
const handle = await openDatabase({ url: ordersUrl, migrationsFolder, maxConnections: 5 });
const seeding = performance.now();
await seedScaleOrders(handle.db, N);
console.log(`seeded ${N} orders in ${((performance.now() - seeding) / 1000).toFixed(1)} s`);

const orders = await createServer({
  handle,
  signingSecret: TEST_SIGNING_SECRET,
  log: testLogger('orders'),
});
const url = await orders.listen({ port: 0 });
console.log('\nstaff order search, first page of 20 with its count, median of', RUNS, 'runs');
for (const [name, filter] of FILTERS) {
  for (const sort of [
    { field: 'PLACED_AT', direction: 'DESC' },
    { field: 'TOTAL', direction: 'ASC' },
  ]) {
    const times: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const began = performance.now();
      const response = await subgraphRequest(url, {
        query: PAGE,
        viewer: viewers.staff(),
        variables: { filter, sort },
      });
      times.push(performance.now() - began);
      if (response.errors) throw new Error(JSON.stringify(response.errors));
    }
    const ms = median(times);
    const verdict = ms < 50 ? 'ok' : 'OVER 50 ms';
    console.log(
      `  ${name.padEnd(16)} ${sort.field} ${sort.direction}: ${ms.toFixed(1)} ms ${verdict}`,
    );
  }
}
await orders.stop();

// the export asks the customers service for e-mails: 1000 customers, as the orders name them
const customersHandle = await openDatabase({
  url: customersDbUrl,
  migrationsFolder: customers.migrationsFolder,
  maxConnections: 3,
});
await customersHandle.db.execute(
  sql.raw(`insert into customers (id, email, name)
    select md5('customer' || n)::uuid, 'customer' || n || '@example.com', 'Customer ' || n
    from generate_series(0, 999) as n`),
);
const customersServer = await customers.createServer({
  handle: customersHandle,
  signingSecret: TEST_SIGNING_SECRET,
  log: testLogger('customers'),
});
const customersUrl = await customersServer.listen({ port: 0 });
await handle.close();

// EXPORT_NODE_FLAGS: V8 flags for the export process, e.g. a heap limit, to compare
const flags = (process.env['EXPORT_NODE_FLAGS'] ?? '').split(' ').filter(Boolean);
const child = spawn(
  process.execPath,
  [
    ...flags,
    '--import',
    'tsx',
    fileURLToPath(new URL('./measure-export.ts', import.meta.url)),
    ordersUrl,
    customersUrl,
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
let output = '';
child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
await customersServer.stop();
await customersHandle.close();
if (code !== 0) throw new Error(`the export process ended with ${code}`);
const result = JSON.parse(output.trim().split('\n').at(-1)!) as {
  seconds: number;
  rssBeforeMb: number;
  rssGrowthMb: number;
  heapTotalGrowthMb: number;
  heapUsedGrowthMb: number;
  externalGrowthMb: number;
  job: { status: string; row_count: number };
};
console.log(
  `\nexport of ${N} orders (CSV, own process): ${result.seconds.toFixed(1)} s ${result.seconds < 60 ? 'ok' : 'OVER 60 s'}, ` +
    `RSS ${result.rssBeforeMb.toFixed(0)} MB before, peak growth ${result.rssGrowthMb.toFixed(1)} MB ` +
    `${result.rssGrowthMb < 50 ? 'ok' : 'OVER 50 MB'}; job ${result.job.status}, ${result.job.row_count} rows`,
);
console.log(
  `  at the peak: V8 heap reserved +${result.heapTotalGrowthMb.toFixed(1)} MB ` +
    `(in use +${result.heapUsedGrowthMb.toFixed(1)} MB), buffers outside it +${result.externalGrowthMb.toFixed(1)} MB` +
    (flags.length ? `; export process flags: ${flags.join(' ')}` : ''),
);
