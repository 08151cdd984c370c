import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { threadId } from 'node:worker_threads';
import { eq } from 'drizzle-orm';
import * as customers from '@ordergraph/customers/server';
import { sql } from '@ordergraph/shared';
import {
  captureTestLogs,
  startTestSubgraph,
  startTestSubgraphReplica,
  subgraphRequest,
  testDatabaseKind,
  testLogger,
  TEST_SIGNING_SECRET,
  viewers,
  type TestSubgraph,
} from '@ordergraph/shared/testing';
import type { ResourceLimits } from 'node:worker_threads';
import { exportJobs } from '../src/db/schema.js';
import { createExportJobsRepository } from '../src/export-jobs/jobs.repository.js';
import { startExportRunner } from '../src/export-jobs/runner.js';
import { createExportSources } from '../src/export-sources.js';
import { createServer, migrationsFolder, type OrdersServer } from '../src/server.js';
import { seedScaleOrders } from '../scripts/scale-seed.js';

// orders 1..N as the bench's scale has them, order i placed i minutes into 2026
const N = 3_000;
const EXPORT = `mutation($input: ExportOrdersInput!) { exportOrders(input: $input) {
  __typename ... on ExportOrdersSuccess { job { id } } } }`;

let logs: ReturnType<typeof captureTestLogs>;
let customersService: TestSubgraph;
let orders: TestSubgraph<OrdersServer>;

/** an orders server on the test database that writes exports, with these options */
const ordersServer =
  (options: { pageSize?: number; limits?: ResourceLimits } = {}) =>
  (parts: Parameters<typeof createServer>[0]) =>
    createServer({
      ...parts,
      customersUrl: customersService.url,
      runExports: true,
      exportPageSize: options.pageSize ?? 7,
      exportWorkerLimits: options.limits,
    });

async function startExport(url: string, filter: Record<string, unknown> = {}): Promise<string> {
  const response = await subgraphRequest(url, {
    query: EXPORT,
    viewer: viewers.staff(),
    variables: { input: { filter, format: 'CSV', idempotencyKey: `worker-${Math.random()}` } },
  });
  assert.equal(response.data?.['exportOrders'].__typename, 'ExportOrdersSuccess');
  return response.data!['exportOrders'].job.id as string;
}

async function jobOf(id: string) {
  const [job] = await orders.handle.db.select().from(exportJobs).where(eq(exportJobs.id, id));
  return job!;
}

async function fileOf(id: string) {
  const chunks = await createExportJobsRepository({ db: orders.handle.db }).chunks({
    jobId: id,
    fromSeq: 0,
    limit: 10_000,
  });
  return chunks.map((chunk) => chunk.data).join('');
}

/** another replica of the orders service, on the same database, that writes exports */
const startWriter = (options: Parameters<typeof ordersServer>[0] = {}) =>
  startTestSubgraphReplica({
    of: orders,
    name: 'orders',
    migrationsFolder,
    createServer: ordersServer(options),
  });

const linesOf = (id: string, message: string) =>
  logs.lines.filter((line) => line['exportJob'] === id && line['msg'] === message);

describe(
  'exports in worker threads (PostgreSQL)',
  {
    skip:
      testDatabaseKind === 'pglite' &&
      "on PGlite exports are written on the service's thread: its database lives there",
  },
  () => {
    before(async () => {
      // the loggers made from now on are recorded
      logs = captureTestLogs();
      customersService = await startTestSubgraph({
        name: 'customers',
        migrationsFolder: customers.migrationsFolder,
        createServer: (options) => customers.createServer(options),
      });
      await customersService.handle.db.execute(
        sql.raw(`insert into customers (id, email, name)
        select md5('customer' || n)::uuid, 'customer' || n || '@example.com', 'Customer ' || n
        from generate_series(0, 999) as n`),
      );
      // this one answers the API; those that write exports start and stop in each test
      orders = await startTestSubgraph({ name: 'orders', migrationsFolder, createServer });
      await seedScaleOrders(orders.handle.db, N);
    });
    after(async () => {
      await orders?.stop();
      await customersService?.stop();
      logs?.stop();
    });

    it("writes an order export in a worker thread, the very file the service's own thread writes", async () => {
      // the first 40 orders: six pages of 7
      const filter = { placedTo: '2026-01-01T00:41:00.000Z' };
      const writer = await startWriter();
      const inWorker = await startExport(orders.url, filter);
      try {
        await writer.server.exportRunner!.settled();
      } finally {
        await writer.stop();
      }
      const written = await jobOf(inWorker);
      assert.equal(written.status, 'SUCCEEDED');
      assert.equal(written.rowCount, 40);
      assert.equal(written.chunkCount, 6);
      // its pages were written by another thread than this one, which the service runs on
      const [done] = linesOf(inWorker, 'export written');
      assert.equal(typeof done?.['threadId'], 'number');
      assert.notEqual(done!['threadId'], threadId);

      // the same export on this thread, as PGlite has it
      const here = await startExport(orders.url, filter);
      const runner = await startExportRunner({
        handle: orders.handle,
        sources: Object.values(
          createExportSources({
            db: orders.handle.db,
            settings: { customersUrl: customersService.url, signingSecret: TEST_SIGNING_SECRET },
          }),
        ),
        log: testLogger('exports-here'),
        pageSize: 7,
      });
      await runner.settled();
      await runner.stop();
      assert.equal((await jobOf(here)).status, 'SUCCEEDED');
      assert.equal(await fileOf(inWorker), await fileOf(here));
      assert.match(
        await fileOf(here),
        /^order_number,placed_at,.*\r\nOG-100001,2026-01-01T00:01:00\.000Z,/,
      );
    });

    it('fails a job whose worker thread keeps dying, saying why, while the service goes on', async () => {
      // the smallest heap the settings allow (EXPORT_WORKER_OLD_GENERATION_MB's minimum): too
      // small for the thread to load its code, so it dies at every start. Not less: below about
      // 4 MB, Node 24 cannot even start the thread and aborts the whole process instead
      const starved = await startWriter({
        limits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 1 },
      });
      try {
        const id = await startExport(starved.url);
        await starved.server.exportRunner!.settled();
        const job = await jobOf(id);
        assert.equal(job.status, 'FAILED');
        assert.match(job.error!, /^The export's worker thread stopped: .*memory limit/);
        assert.equal(job.failures, 5);
        assert.equal(job.rowCount, 0);
        assert.equal(linesOf(id, 'an export worker thread died').length, 5);
        // the service itself is unharmed
        const read = await subgraphRequest(starved.url, {
          query: `query($id: ID!) { exportJob(id: $id) { status } }`,
          viewer: viewers.staff(),
          variables: { id },
        });
        assert.deepEqual(read.data, { exportJob: { status: 'FAILED' } });
      } finally {
        await starved.stop();
      }
    });

    it('stops its worker thread with the service, and another replica resumes the job where it stopped', async () => {
      const leaving = await startWriter({ pageSize: 10 });
      let id: string;
      try {
        id = await startExport(leaving.url);
        // a few of its 300 pages in, the service stops
        while ((await jobOf(id)).chunkCount < 3) await sleep(10);
      } finally {
        await leaving.stop();
      }
      const left = await jobOf(id);
      assert.equal(left.status, 'RUNNING');
      assert.equal(left.attempts, 1);
      assert.ok(left.chunkCount >= 3 && left.chunkCount < N / 10, `${left.chunkCount} pages`);
      assert.equal(left.rowCount, left.chunkCount * 10);

      const next = await startWriter({ pageSize: 10 });
      try {
        await next.server.exportRunner!.settled();
      } finally {
        await next.stop();
      }
      const job = await jobOf(id);
      assert.equal(job.status, 'SUCCEEDED');
      assert.equal(job.attempts, 2);
      assert.equal(job.rowCount, N);
      // every order once, in order: nothing written twice or lost at the stop
      const numbers = (await fileOf(id))
        .split('\r\n')
        .slice(1, -1)
        .map((line) => line.split(',')[0]);
      assert.deepEqual(
        numbers,
        Array.from({ length: N }, (_, k) => `OG-${100_001 + k}`),
      );
    });
  },
);
