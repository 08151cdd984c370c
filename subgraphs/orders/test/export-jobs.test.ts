import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { eq } from 'drizzle-orm';
import { executeRows, signViewer, sql, type DatabaseHandle } from '@ordergraph/shared';
import {
  openTestDatabaseReplica,
  testLogger,
  TEST_SIGNING_SECRET,
  viewers,
  waitUntil,
  type TestSubgraph,
} from '@ordergraph/shared/testing';
import { exportChunks, exportJobs } from '../src/db/schema.js';
import { createExportJobsRepository } from '../src/export-jobs/jobs.repository.js';
import type { ExportRowSource } from '../src/export-jobs/row-source.js';
import { startExportRunner } from '../src/export-jobs/runner.js';
import { migrationsFolder } from '../src/server.js';
import { startOrders, type Request } from './support.js';

let subgraph: TestSubgraph;
let request: Request;
let handle: DatabaseHandle;

before(async () => {
  ({ subgraph, request } = await startOrders());
  handle = subgraph.handle;
});
after(() => subgraph.stop());

/**
 * Another kind of export than orders, as a later one would plug in: the numbers 1..`upTo`
 * from the database, in keyset pages. `failing` makes its pages fail while set.
 */
function numbersSource(state: { failing: string | null } = { failing: null }) {
  const source: ExportRowSource<{ upTo: number }> = {
    kind: 'numbers',
    columns: ['n', 'square', 'label'],
    fileName: 'numbers',
    countUpTo: async ({ upTo }, cap) => Math.min(upTo, cap + 1),
    async page({ params, cursor, limit }) {
      if (state.failing) throw new Error(state.failing);
      const from = ((cursor as number | null) ?? 0) + 1;
      const rows = await executeRows<{ n: number }>(
        handle.db,
        sql`select n::int as n from generate_series(${from}::int, ${params.upTo}::int) as n
            order by n limit ${limit}`,
      );
      return {
        rows: rows.map(({ n }) => ({ n, square: String(n * n), label: `"${n}", ok` })),
        cursor: rows.at(-1)?.n ?? cursor,
      };
    },
  };
  return source;
}

const csvOf = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, k) => from + k)
    .map((n) => `${n},${n * n},"""${n}"", ok"\r\n`)
    .join('');

async function insertJob(values: Partial<typeof exportJobs.$inferInsert> = {}) {
  const id = randomUUID();
  await handle.db.insert(exportJobs).values({
    id,
    kind: 'numbers',
    format: 'CSV',
    params: { upTo: 7 },
    requestedBy: 'staff-1',
    status: 'QUEUED',
    totalRows: 7,
    ...values,
  });
  return id;
}

async function fileOf(jobId: string) {
  const chunks = await createExportJobsRepository({ db: handle.db }).chunks({
    jobId,
    fromSeq: 0,
    limit: 100,
  });
  return chunks.map((chunk) => chunk.data).join('');
}

async function jobOf(id: string) {
  const [job] = await handle.db.select().from(exportJobs).where(eq(exportJobs.id, id));
  return job!;
}

async function runOnce(source: ExportRowSource<any>, options: { maxFailures?: number } = {}) {
  const runner = await startExportRunner({
    handle,
    sources: [source],
    log: testLogger('exports'),
    pageSize: 3,
    retryDelayMs: 1,
    ...options,
  });
  try {
    await runner.settled();
  } finally {
    await runner.stop();
  }
}

describe('export jobs', () => {
  it('writes a job of any row source in pages, quoting CSV fields as RFC 4180 says', async () => {
    const id = await insertJob();
    await runOnce(numbersSource());
    const job = await jobOf(id);
    assert.equal(job.status, 'SUCCEEDED');
    assert.equal(job.rowCount, 7);
    // pages of 3: 3, 3, then the last 1
    assert.equal(job.chunkCount, 3);
    assert.equal(job.attempts, 1);
    assert.equal(await fileOf(id), `n,square,label\r\n${csvOf(1, 7)}`);
  });

  it('resumes a job a crashed run left half written, after its last committed page', async () => {
    // what a run that died after its second page leaves: two chunks, the cursor after them
    const id = await insertJob({
      status: 'RUNNING',
      attempts: 1,
      rowCount: 6,
      chunkCount: 2,
      cursor: 6,
    });
    await handle.db.insert(exportChunks).values([
      { jobId: id, seq: 0, data: `n,square,label\r\n${csvOf(1, 3)}` },
      { jobId: id, seq: 1, data: csvOf(4, 6) },
    ]);
    await runOnce(numbersSource());
    const job = await jobOf(id);
    assert.equal(job.status, 'SUCCEEDED');
    assert.equal(job.attempts, 2);
    assert.equal(job.rowCount, 7);
    assert.equal(await fileOf(id), `n,square,label\r\n${csvOf(1, 7)}`);
  });

  it('moves a job to the replica that takes the lease over, refusing the late page of the one that left', async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const plain = numbersSource();
    let pages = 0;
    // the first replica's third page hangs until it has let go of the lease
    const gated: ExportRowSource<{ upTo: number }> = {
      ...plain,
      async page(options) {
        if (++pages === 3) await gate;
        return plain.page(options);
      },
    };
    const id = await insertJob({ params: { upTo: 10 }, totalRows: 10 });
    const first = await startExportRunner({
      handle,
      sources: [gated],
      log: testLogger('exports'),
      pageSize: 3,
    });
    await waitUntil(async () => (await jobOf(id)).chunkCount === 2, {
      what: 'two chunks written, the third page held',
    });
    const leaving = first.stop();
    release();
    await leaving;
    const left = await jobOf(id);
    assert.equal(left.status, 'RUNNING');
    assert.equal(left.chunkCount, 2);
    assert.equal(left.rowCount, 6);

    const replica = await openTestDatabaseReplica({ of: handle, migrationsFolder });
    try {
      const second = await startExportRunner({
        handle: replica,
        sources: [plain],
        log: testLogger('exports-replica'),
        pageSize: 3,
      });
      await second.settled();
      await second.stop();
    } finally {
      await replica.close();
    }
    const job = await jobOf(id);
    assert.equal(job.status, 'SUCCEEDED');
    assert.equal(job.attempts, 2);
    assert.equal(job.rowCount, 10);
    assert.equal(await fileOf(id), `n,square,label\r\n${csvOf(1, 10)}`);
  });

  it('fails a job whose runs keep being interrupted, saying so', async () => {
    const id = await insertJob({ status: 'RUNNING', attempts: 5, rowCount: 3, chunkCount: 1 });
    await runOnce(numbersSource());
    const job = await jobOf(id);
    assert.equal(job.status, 'FAILED');
    assert.equal(job.error, 'The export was interrupted 5 times.');
    assert.notEqual(job.finishedAt, null);
  });

  it('retries a page that fails, then fails the job visibly with the reason', async () => {
    const id = await insertJob();
    await runOnce(numbersSource({ failing: 'the customers service is unreachable' }), {
      maxFailures: 3,
    });
    const job = await jobOf(id);
    assert.equal(job.status, 'FAILED');
    assert.equal(job.failures, 3);
    assert.equal(job.error, 'the customers service is unreachable');
    const read = await request(
      `query($id: ID!) { exportJob(id: $id) { status error downloadUrl } }`,
      {
        viewer: viewers.staff(),
        variables: { id },
      },
    );
    assert.deepEqual(read.data?.['exportJob'], {
      status: 'FAILED',
      error: 'the customers service is unreachable',
      downloadUrl: null,
    });
  });

  it('fails a job of a kind no source writes', async () => {
    const id = await insertJob({ kind: 'ledger' });
    await runOnce(numbersSource());
    assert.equal((await jobOf(id)).error, 'No export writes "ledger" rows.');
  });

  it('deletes a file past its 24 hours and marks its job EXPIRED', async () => {
    const id = await insertJob();
    await runOnce(numbersSource());
    await handle.db
      .update(exportJobs)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(exportJobs.id, id));
    await runOnce(numbersSource());
    assert.equal((await jobOf(id)).status, 'EXPIRED');
    assert.equal(await fileOf(id), '');
    const read = await request(`query($id: ID!) { exportJob(id: $id) { status downloadUrl } }`, {
      viewer: viewers.staff(),
      variables: { id },
    });
    assert.deepEqual(read.data?.['exportJob'], { status: 'EXPIRED', downloadUrl: null });
  });

  it('serves a file only through a signed request, once written and until it expires', async () => {
    const get = (id: string, signed = true) =>
      fetch(new URL(`/exports/${id}/download`, subgraph.url), {
        headers: signed ? signViewer(viewers.staff(), { secret: TEST_SIGNING_SECRET }) : {},
      });
    const queued = await insertJob({ kind: 'waiting' });
    const notReady = await get(queued);
    assert.equal(notReady.status, 409);
    assert.equal(((await notReady.json()) as any).errors[0].extensions.code, 'NOT_READY');
    await handle.db.update(exportJobs).set({ status: 'FAILED' }).where(eq(exportJobs.id, queued));

    const id = await insertJob();
    await runOnce(numbersSource());
    assert.equal((await get(id, false)).status, 401);
    const served = await get(id);
    assert.equal(served.status, 200);
    assert.equal(served.headers.get('cache-control'), 'private, no-store');
    assert.equal(await served.text(), `n,square,label\r\n${csvOf(1, 7)}`);
    await handle.db
      .update(exportJobs)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(exportJobs.id, id));
    const gone = await get(id);
    assert.equal(gone.status, 410);
    assert.equal(((await gone.json()) as any).errors[0].extensions.code, 'EXPIRED');
  });
});
