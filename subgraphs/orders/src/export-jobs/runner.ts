import {
  runInBackground,
  startLeasedWorker,
  startWakeLoop,
  type Database,
  type DatabaseHandle,
  type Lease,
  type Logger,
  type SubgraphMetrics,
  transaction,
} from '@ordergraph/shared';
import type { ExportJobRow } from '../db/export-jobs.js';
import { createExportJobsRepository, EXPORT_QUEUED_CHANNEL } from './jobs.repository.js';
import { writeExportPages } from './page-writer.js';
import type { ExportRowSource } from './row-source.js';
import { writeInWorker, type ExportWorkerOptions } from './worker-run.js';

/** The name of the lease the export runner holds. */
export const EXPORTS_LEASE = 'orders:exports';

export interface ExportRunner {
  /** resolves once a look at the jobs, begun after this call, found none left to write */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

export interface ExportRunnerOptions {
  handle: DatabaseHandle;
  /** the row sources jobs may name, by kind */
  sources: readonly ExportRowSource<any>[];
  log: Logger;
  /** rows per page: what one transaction writes and what memory holds at once */
  pageSize?: number;
  /** runs begun before a job is given up (a run is begun again after each crash) */
  maxAttempts?: number;
  /** pages failed in a row (e.g. a service it reads is down) before a job is given up */
  maxFailures?: number;
  /** the first wait before a failed page is read again; it doubles at each failure */
  retryDelayMs?: number;
  pollIntervalMs?: number;
  metrics?: Pick<SubgraphMetrics, 'registry'> | undefined;
  leaseTtlMs?: number | undefined;
  /**
   * writes each job's pages in a worker thread with capped heap limits and a pool of its own
   * (worker-run.ts), whose sources are built from a module; on this thread without (PGlite,
   * whose database lives here, and sources that are plain objects)
   */
  worker?: ExportWorkerOptions | undefined;
}

/**
 * Writes queued export jobs, oldest first, one page of rows per transaction: the page is read
 * from the job's row source after the job's cursor, encoded and stored as the next chunk of its
 * file, and the cursor moved past it, fenced by the `orders:exports` lease. Only one replica
 * writes at a time; a replica that dies mid-job leaves the cursor at its last committed page,
 * and the next holder resumes there (a job begun `maxAttempts` times is FAILED instead). A page
 * that cannot be read is retried with backoff and, after `maxFailures` in a row, FAILS the job
 * with the reason. Files past their 24 hours are deleted on the way. With `worker`, each job's
 * pages are written in a worker thread of their own (worker-run.ts), the rest stays here.
 */
export async function startExportRunner(options: ExportRunnerOptions): Promise<ExportRunner> {
  let running: ExportRunner | null = null;
  const worker = await startLeasedWorker({
    handle: options.handle,
    name: EXPORTS_LEASE,
    log: options.log,
    metrics: options.metrics,
    ttlMs: options.leaseTtlMs,
    async start(lease) {
      const runner = await runExports({ ...options, lease });
      running = runner;
      return {
        async stop() {
          running = null;
          await runner.stop();
        },
      };
    },
  });
  return {
    settled: () => running?.settled() ?? Promise.resolve(),
    stop: worker.stop,
  };
}

async function runExports({
  handle,
  sources,
  log,
  pageSize = 1_000,
  maxAttempts = 5,
  maxFailures = 5,
  retryDelayMs = 500,
  pollIntervalMs = 5_000,
  worker,
  lease,
}: ExportRunnerOptions & { lease: Lease }): Promise<ExportRunner> {
  const repository = createExportJobsRepository({ db: handle.db });
  const byKind = new Map(sources.map((source) => [source.kind, source]));
  let stopped = false;
  // ends the pages under way (and a wait before a retry) when the runner stops
  const stopping = new AbortController();
  let passes = 0;
  const waiters = new Set<{ afterPass: number; resolve: () => void }>();

  const fenced = (work: (tx: Database) => Promise<unknown>) =>
    transaction(handle.db, async (tx) => {
      await lease.fence(tx);
      await work(tx);
    });
  const inTx = (tx: Database) => createExportJobsRepository({ db: tx });
  const settings = { pageSize, maxFailures, retryDelayMs };

  const write = async (pending: ExportJobRow) => {
    const jobLog = log.child({ exportJob: pending.id, kind: pending.kind });
    const source = byKind.get(pending.kind);
    if (!source) {
      await fenced((tx) => inTx(tx).fail(pending.id, `No export writes "${pending.kind}" rows.`));
      return;
    }
    if (pending.attempts >= maxAttempts) {
      jobLog.error({ attempts: pending.attempts }, 'an export kept stopping; it failed');
      await fenced((tx) =>
        inTx(tx).fail(pending.id, `The export was interrupted ${pending.attempts} times.`),
      );
      return;
    }
    let job = pending;
    await fenced(async (tx) => {
      job = await inTx(tx).begin(pending.id);
    });
    jobLog.info({ attempt: job.attempts, rowCount: job.rowCount }, 'writing an export');
    const run = { job, settings, log: jobLog, signal: stopping.signal };
    await (worker
      ? writeInWorker({ ...run, handle, worker, lease, leaseName: EXPORTS_LEASE })
      : writeExportPages({ ...run, db: handle.db, lease, source }));
  };

  const drain = async () => {
    const pass = ++passes;
    await repository.expireDue();
    for (;;) {
      if (stopped) return;
      const pending = await repository.nextPending();
      if (!pending) break;
      await write(pending);
    }
    for (const waiter of waiters) {
      if (pass > waiter.afterPass) {
        waiters.delete(waiter);
        waiter.resolve();
      }
    }
  };

  const loop = await startWakeLoop({
    handle,
    // no request asked for it: its statements are not counted as a request's
    drain: () => runInBackground(drain),
    pollIntervalMs,
    channel: EXPORT_QUEUED_CHANNEL,
    onError: (error) => log.warn({ err: error }, 'writing exports failed; retrying'),
  });

  return {
    settled: () =>
      new Promise<void>((resolve) => {
        waiters.add({ afterPass: passes, resolve });
        loop.wake();
      }),
    async stop() {
      stopped = true;
      stopping.abort();
      await loop.stop();
      for (const waiter of waiters) waiter.resolve();
    },
  };
}
