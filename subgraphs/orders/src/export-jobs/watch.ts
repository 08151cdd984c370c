import { runInBackground, type DatabaseHandle } from '@ordergraph/shared';
import type { ExportJobRow, ExportJobStatus } from '../db/export-jobs.js';
import { createExportJobsRepository, EXPORT_UPDATED_CHANNEL } from './jobs.repository.js';

const FINAL: readonly ExportJobStatus[] = ['SUCCEEDED', 'FAILED', 'EXPIRED'];

/** Follows export jobs as they change, for exportJobUpdated: one LISTEN for the process. */
export interface ExportWatch {
  /**
   * The job now, then each change as it commits, ending after a final status (SUCCEEDED,
   * FAILED, EXPIRED). `return()` ends it at once, even while it waits.
   */
  follow(jobId: string): AsyncIterableIterator<ExportJobRow>;
  stop(): Promise<void>;
}

/**
 * Starts the watch: every committed change of a job NOTIFYs its id (jobs.repository.ts), which
 * wakes that job's followers to read it again; a slow poll covers a lost connection.
 */
export async function startExportWatch({
  handle,
  pollIntervalMs = 5_000,
}: {
  handle: DatabaseHandle;
  pollIntervalMs?: number;
}): Promise<ExportWatch> {
  const repository = createExportJobsRepository({ db: handle.db });
  const followers = new Map<string, Set<() => void>>();
  const unlisten = await handle.listen(EXPORT_UPDATED_CHANNEL, (jobId) => {
    for (const wake of followers.get(jobId) ?? []) wake();
  });

  const follow = (jobId: string): AsyncIterableIterator<ExportJobRow> => {
    let finished = false;
    let changed = true;
    let wakeReader: (() => void) | null = null;
    let last: ExportJobRow | null = null;
    const wake = () => {
      changed = true;
      wakeReader?.();
      wakeReader = null;
    };
    const wakers = followers.get(jobId) ?? new Set();
    wakers.add(wake);
    followers.set(jobId, wakers);
    const finish = () => {
      finished = true;
      wakers.delete(wake);
      if (wakers.size === 0) followers.delete(jobId);
      wake();
    };
    const done = (): IteratorResult<ExportJobRow> => ({ done: true, value: undefined });

    const next = async (): Promise<IteratorResult<ExportJobRow>> => {
      for (;;) {
        if (finished || (last && FINAL.includes(last.status))) {
          finish();
          return done();
        }
        if (!changed) {
          await new Promise<void>((resolve) => {
            wakeReader = resolve;
            setTimeout(wake, pollIntervalMs).unref();
          });
          continue;
        }
        changed = false;
        const job = await runInBackground(() => repository.findById(jobId));
        if (finished) return done();
        if (!job) {
          finish();
          return done();
        }
        const moved =
          !last ||
          job.status !== last.status ||
          job.rowCount !== last.rowCount ||
          job.updatedAt.getTime() !== last.updatedAt.getTime();
        if (!moved) continue;
        last = job;
        return { done: false, value: job };
      }
    };

    return {
      next,
      async return() {
        finish();
        return done();
      },
      async throw(error?: unknown) {
        finish();
        throw error;
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  };

  return {
    follow,
    async stop() {
      for (const wakers of followers.values()) for (const wake of wakers) wake();
      await unlisten();
    },
  };
}
