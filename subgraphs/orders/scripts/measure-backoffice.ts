/**
 * `npm run measure:backoffice`: the back office at the bench's scale on PostgreSQL
 * (TEST_DATABASE_URL or DATABASE_URL names the server; a database og_measure_backoffice is made
 * afresh). Seeds 100,000 orders, times the first page of staff order search for each filter
 * (median of RUNS, through the orders service's GraphQL endpoint), then starts the orders
 * service in a process of its own, as it runs in production, asks it over GraphQL for an export
 * of every order as CSV, and reports the time until the job is done and the growth of the
 * service's RSS (peak, sampled every 20 ms, over the RSS before the export). Goals (issue 18):
 * each page under 50 ms; the export under 60 s with RSS growth under 50 MB. With `--built`, the
 * service runs the JavaScript `npm run build` compiled (no tsx), as in production; with
 * `--export-only`, the searches are left out.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import * as customers from '@ordergraph/customers/server';
import { dropDatabase, openDatabase, sql, withDatabase } from '@ordergraph/shared';
import {
  freePort,
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

/** a process's resident memory now, in MB (Linux's /proc) */
const rssOf = (pid: number) =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;

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
// --export-only: the export alone, e.g. to compare heap settings
const searches = process.argv.includes('--export-only') ? [] : FILTERS;
if (searches.length > 0) {
  console.log('\nstaff order search, first page of 20 with its count, median of', RUNS, 'runs');
}
for (const [name, filter] of searches) {
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

const ordersDir = fileURLToPath(new URL('..', import.meta.url));
// --built: the JavaScript `npm run build` compiled, as production runs it; else tsx, as dev does
const built = process.argv.includes('--built');
// EXPORT_NODE_FLAGS: V8 flags for the service's process, e.g. a heap limit, to compare
const flags = (process.env['EXPORT_NODE_FLAGS'] ?? '').split(' ').filter(Boolean);
const port = await freePort();
const service = spawn(
  process.execPath,
  [
    ...flags,
    ...(built
      ? ['--conditions=ordergraph-dist', '--enable-source-maps', 'dist/index.js']
      : ['--import', 'tsx', 'src/index.ts']),
  ],
  {
    cwd: ordersDir,
    env: {
      ...process.env,
      ORDERS_DATABASE_URL: ordersUrl,
      CUSTOMERS_URL: customersUrl,
      // followed by nobody here: its consumers retry against a port nothing listens on
      SHIPMENTS_URL: 'http://127.0.0.1:9/graphql',
      PORT: String(port),
      ROUTER_SIGNING_SECRET: TEST_SIGNING_SECRET,
      LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'error',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  },
);
const serviceUrl = `http://127.0.0.1:${port}/graphql`;
try {
  const deadline = Date.now() + 120_000;
  while (
    !(await fetch(`http://127.0.0.1:${port}/ready`).then(
      (r) => r.ok,
      () => false,
    ))
  ) {
    if (Date.now() > deadline || service.exitCode !== null) throw new Error('orders did not start');
    await sleep(250);
  }
  // settled after its start (migrations checked, leases taken, first polls made)
  await sleep(3_000);
  const rssBefore = rssOf(service.pid!);
  let peak = rssBefore;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssOf(service.pid!));
  }, 20);
  const began = performance.now();
  const started = await subgraphRequest(serviceUrl, {
    query: `mutation($input: ExportOrdersInput!) { exportOrders(input: $input) {
      __typename ... on ExportOrdersSuccess { job { id } } } }`,
    viewer: viewers.staff(),
    variables: { input: { format: 'CSV', idempotencyKey: `measure-${Date.now()}` } },
  });
  const jobId = started.data?.['exportOrders']?.job?.id as string | undefined;
  if (!jobId) throw new Error(JSON.stringify(started));
  let job: { status: string; rowCount: number; error: string | null };
  for (;;) {
    await sleep(250);
    const read = await subgraphRequest(serviceUrl, {
      query: `query($id: ID!) { exportJob(id: $id) { status rowCount error } }`,
      viewer: viewers.staff(),
      variables: { id: jobId },
    });
    job = read.data!['exportJob'];
    if (job.status !== 'QUEUED' && job.status !== 'RUNNING') break;
  }
  const seconds = (performance.now() - began) / 1000;
  clearInterval(sampler);
  const rssAfter = rssOf(service.pid!);
  const growth = peak - rssBefore;
  console.log(
    `\nexport of ${N} orders (CSV) by the orders service (${built ? 'built JavaScript' : 'tsx'}` +
      `${flags.length ? `, ${flags.join(' ')}` : ''}): ${seconds.toFixed(1)} s ` +
      `${seconds < 60 ? 'ok' : 'OVER 60 s'}; service RSS ${rssBefore.toFixed(0)} MB before, ` +
      `peak growth ${growth.toFixed(1)} MB ${growth < 50 ? 'ok' : 'OVER 50 MB'}, ` +
      `${(rssAfter - rssBefore).toFixed(1)} MB after; job ${job.status}, ${job.rowCount} rows` +
      (job.error ? ` (${job.error})` : ''),
  );
} finally {
  service.kill('SIGTERM');
  await new Promise((resolve) => service.once('exit', resolve));
  await customersServer.stop();
  await customersHandle.close();
}
