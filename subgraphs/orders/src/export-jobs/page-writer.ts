import { setTimeout as sleep } from 'node:timers/promises';
import { transaction, type Database, type Lease } from '@ordergraph/shared/core';
import type { ExportJobRow } from '../db/export-jobs.js';
import { createExportJobsRepository } from './jobs.repository.js';
import { encodeRows, type ExportRowSource } from './row-source.js';

/** How a run of a job's pages ended: its file complete, the job failed, or told to stop first. */
export type PagesOutcome = 'written' | 'failed' | 'stopped';

/** What the pages are logged through: the service's logger, or a worker thread's messages. */
export interface ExportLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/** How pages are read and retried: the runner's settings, the same in a worker thread. */
export interface PageSettings {
  /** rows per page: what one transaction writes and what memory holds at once */
  pageSize: number;
  /** pages failed in a row (e.g. a service it reads is down) before a job is given up */
  maxFailures: number;
  /** the first wait before a failed page is read again; it doubles at each failure */
  retryDelayMs: number;
}

/**
 * Writes a begun job's file from its cursor on: each page is read from the source after the
 * cursor, encoded and stored as the next chunk, and the cursor moved past it, in one transaction
 * fenced by the lease. A page that cannot be read is retried with backoff and, after
 * `maxFailures` in a row, FAILS the job with the reason. Stops between pages once `signal`
 * aborts, leaving the job RUNNING at its last committed page for the next run to resume. A lost
 * lease throws LeaseLostError, as an unexpected database error throws.
 */
export async function writeExportPages({
  db,
  lease,
  job: begun,
  source,
  settings: { pageSize, maxFailures, retryDelayMs },
  log,
  signal,
}: {
  db: Database;
  lease: Pick<Lease, 'fence'>;
  job: ExportJobRow;
  source: ExportRowSource<any>;
  settings: PageSettings;
  log: ExportLog;
  signal: AbortSignal;
}): Promise<PagesOutcome> {
  const fenced = (
    work: (jobs: ReturnType<typeof createExportJobsRepository>) => Promise<unknown>,
  ) =>
    transaction(db, async (tx) => {
      await lease.fence(tx);
      await work(createExportJobsRepository({ db: tx }));
    });
  let job = begun;
  while (!signal.aborted) {
    let page: Awaited<ReturnType<typeof source.page>>;
    try {
      page = await source.page({ params: job.params, cursor: job.cursor, limit: pageSize });
    } catch (error) {
      const failures = job.failures + 1;
      const failed = failures >= maxFailures;
      const reason = error instanceof Error ? error.message : String(error);
      log.warn({ err: error, failures }, 'reading a page of an export failed');
      await fenced((jobs) => jobs.recordFailure({ id: job.id, error: reason, failed }));
      if (failed) return 'failed';
      job = { ...job, failures };
      // ends at once when told to stop
      await sleep(retryDelayMs * 2 ** (failures - 1), undefined, { signal }).catch(() => {});
      continue;
    }
    const last = page.rows.length < pageSize;
    const data = encodeRows({
      format: job.format,
      columns: source.columns,
      rows: page.rows,
      header: job.chunkCount === 0,
    });
    const current = job;
    await fenced((jobs) =>
      jobs.appendPage({ job: current, data, rows: page.rows.length, cursor: page.cursor, last }),
    );
    job = {
      ...job,
      rowCount: job.rowCount + page.rows.length,
      chunkCount: job.chunkCount + 1,
      cursor: page.cursor,
      failures: 0,
    };
    if (last) {
      log.info({ rowCount: job.rowCount }, 'export written');
      return 'written';
    }
  }
  return 'stopped';
}
