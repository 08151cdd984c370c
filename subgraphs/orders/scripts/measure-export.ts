/**
 * The export half of `npm run measure:backoffice`, in a process of its own so that its RSS is
 * the export's alone: exports every order of the database at argv[2] as CSV through the export
 * runner, asking the customers service at argv[3] for e-mails, and prints one JSON line with
 * the time taken and the RSS growth (peak, sampled every 20 ms, over the RSS before the run).
 */
import { openDatabase, type DatabaseHandle } from '@ordergraph/shared';
import { testLogger, TEST_SIGNING_SECRET, viewers } from '@ordergraph/shared/testing';
import { createCustomersClient } from '../src/clients/customers.js';
import { startExportRunner } from '../src/export-jobs/runner.js';
import { startExport } from '../src/export-jobs/start-export.js';
import { createOrderExportSource } from '../src/search/order-export.js';
import { parseOrderFilter, type OrderFilter } from '../src/search/order-search.js';
import { migrationsFolder } from '../src/server.js';

const [url, customersUrl] = process.argv.slice(2);
if (!url || !customersUrl) throw new Error('usage: measure-export <database url> <customers url>');

const handle: DatabaseHandle = await openDatabase({ url, migrationsFolder, maxConnections: 3 });
const source = createOrderExportSource({
  db: handle.db,
  customers: createCustomersClient({ url: customersUrl, signingSecret: TEST_SIGNING_SECRET }),
});
const started = await startExport({
  db: handle.db,
  source,
  params: parseOrderFilter({}) as OrderFilter,
  format: 'CSV',
  viewer: viewers.staff(),
  mutation: 'exportOrders',
  input: { format: 'CSV' },
  idempotencyKey: `measure-${Date.now()}`,
});
if (started.__typename !== 'ExportOrdersSuccess') throw new Error(JSON.stringify(started));

const before = process.memoryUsage();
const rssBefore = before.rss;
let peak = rssBefore;
// where the growth is, at the RSS peak: V8's heap, or buffers outside it
let atPeak = before;
const sampler = setInterval(() => {
  const now = process.memoryUsage();
  if (now.rss > peak) [peak, atPeak] = [now.rss, now];
}, 20);
const began = performance.now();
const runner = await startExportRunner({ handle, sources: [source], log: testLogger('exports') });
await runner.settled();
await runner.stop();
clearInterval(sampler);
const rows = await handle.db.execute(
  // the job's outcome, as the API would report it
  (await import('@ordergraph/shared')).sql`select status, row_count from export_jobs
    where id = ${(started as { jobId: string }).jobId}`,
);
await handle.close();
console.log(
  JSON.stringify({
    seconds: (performance.now() - began) / 1000,
    rssBeforeMb: rssBefore / 2 ** 20,
    rssGrowthMb: (peak - rssBefore) / 2 ** 20,
    heapTotalGrowthMb: (atPeak.heapTotal - before.heapTotal) / 2 ** 20,
    heapUsedGrowthMb: (atPeak.heapUsed - before.heapUsed) / 2 ** 20,
    externalGrowthMb: (atPeak.external - before.external) / 2 ** 20,
    job: Array.isArray(rows) ? rows[0] : (rows as { rows: unknown[] }).rows[0],
  }),
);
