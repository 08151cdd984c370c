import { and, asc, eq, inArray, lt, sql } from 'drizzle-orm';
import { isUuid, type Database } from '@ordergraph/shared/core';
import {
  exportChunks,
  exportJobs,
  type ExportFormat,
  type ExportJobRow,
} from '../db/export-jobs.js';

/** the NOTIFY channel of a new job: wakes the runner at once */
export const EXPORT_QUEUED_CHANNEL = 'export_queued';
/** the NOTIFY channel of a job's every change, with its id: feeds exportJobUpdated */
export const EXPORT_UPDATED_CHANNEL = 'export_updated';

/** How long a finished export's file is kept. */
export const EXPORT_TTL_MS = 24 * 60 * 60 * 1000;

/** Export jobs and their files, as plain functions over `db` (a transaction works too). */
export function createExportJobsRepository({ db }: { db: Database }) {
  const notifyUpdated = (id: string) =>
    db.execute(sql`select pg_notify(${EXPORT_UPDATED_CHANNEL}, ${id})`);

  return {
    async findById(id: string): Promise<ExportJobRow | null> {
      if (!isUuid(id)) return null;
      const [row] = await db.select().from(exportJobs).where(eq(exportJobs.id, id));
      return row ?? null;
    },

    async findByIds(ids: readonly string[]): Promise<ExportJobRow[]> {
      const valid = ids.filter(isUuid);
      if (valid.length === 0) return [];
      return db.select().from(exportJobs).where(inArray(exportJobs.id, valid));
    },

    /** a QUEUED job, announced to the runner when the transaction commits */
    async insertQueued(job: {
      id: string;
      kind: string;
      format: ExportFormat;
      params: unknown;
      requestedBy: string;
      totalRows: number;
    }): Promise<ExportJobRow> {
      const [row] = await db
        .insert(exportJobs)
        .values({ ...job, status: 'QUEUED' })
        .returning();
      await db.execute(sql`select pg_notify(${EXPORT_QUEUED_CHANNEL}, ${job.id})`);
      return row!;
    },

    /** the oldest job still to write: a RUNNING one first, as a crashed run is resumed */
    async nextPending(): Promise<ExportJobRow | null> {
      const [row] = await db
        .select()
        .from(exportJobs)
        .where(inArray(exportJobs.status, ['QUEUED', 'RUNNING']))
        .orderBy(asc(exportJobs.createdAt), asc(exportJobs.id))
        .limit(1);
      return row ?? null;
    },

    /** a run begins (or resumes): RUNNING, one more attempt */
    async begin(id: string): Promise<ExportJobRow> {
      const [row] = await db
        .update(exportJobs)
        .set({
          status: 'RUNNING',
          attempts: sql`${exportJobs.attempts} + 1`,
          updatedAt: sql`now()`,
        })
        .where(eq(exportJobs.id, id))
        .returning();
      await notifyUpdated(id);
      return row!;
    },

    /**
     * Appends a page to the file and moves the job past it; with `last`, the job SUCCEEDED and
     * its file is kept for EXPORT_TTL_MS.
     */
    async appendPage({
      job,
      data,
      rows,
      cursor,
      last,
    }: {
      job: ExportJobRow;
      data: string;
      rows: number;
      cursor: unknown;
      last: boolean;
    }): Promise<void> {
      await db.insert(exportChunks).values({ jobId: job.id, seq: job.chunkCount, data });
      await db
        .update(exportJobs)
        .set({
          rowCount: job.rowCount + rows,
          chunkCount: job.chunkCount + 1,
          cursor,
          failures: 0,
          updatedAt: sql`now()`,
          ...(last
            ? {
                status: 'SUCCEEDED' as const,
                finishedAt: sql`now()`,
                expiresAt: sql`now() + ${EXPORT_TTL_MS}::integer * interval '1 millisecond'`,
              }
            : {}),
        })
        .where(eq(exportJobs.id, job.id));
      await notifyUpdated(job.id);
    },

    /** a page failed: counted, and after too many in a row the job FAILED with the reason */
    async recordFailure({
      id,
      error,
      failed,
    }: {
      id: string;
      error: string;
      failed: boolean;
    }): Promise<void> {
      await db
        .update(exportJobs)
        .set({
          failures: sql`${exportJobs.failures} + 1`,
          error,
          updatedAt: sql`now()`,
          ...(failed ? { status: 'FAILED' as const, finishedAt: sql`now()` } : {}),
        })
        .where(eq(exportJobs.id, id));
      await notifyUpdated(id);
    },

    /** gives up on a job outright, e.g. one whose runs kept crashing */
    async fail(id: string, error: string): Promise<void> {
      await db
        .update(exportJobs)
        .set({ status: 'FAILED', error, finishedAt: sql`now()`, updatedAt: sql`now()` })
        .where(eq(exportJobs.id, id));
      await notifyUpdated(id);
    },

    /** the files kept past their 24 hours are deleted, their jobs EXPIRED: how many */
    async expireDue(limit = 20): Promise<number> {
      const due = await db
        .select({ id: exportJobs.id })
        .from(exportJobs)
        .where(and(eq(exportJobs.status, 'SUCCEEDED'), lt(exportJobs.expiresAt, sql`now()`)))
        .limit(limit);
      for (const { id } of due) {
        await db.delete(exportChunks).where(eq(exportChunks.jobId, id));
        await db
          .update(exportJobs)
          .set({ status: 'EXPIRED', updatedAt: sql`now()` })
          .where(eq(exportJobs.id, id));
        await notifyUpdated(id);
      }
      return due.length;
    },

    /** the file's chunks from `fromSeq` on, at most `limit`, in order */
    async chunks({
      jobId,
      fromSeq,
      limit,
    }: {
      jobId: string;
      fromSeq: number;
      limit: number;
    }): Promise<{ seq: number; data: string }[]> {
      return db
        .select({ seq: exportChunks.seq, data: exportChunks.data })
        .from(exportChunks)
        .where(and(eq(exportChunks.jobId, jobId), sql`${exportChunks.seq} >= ${fromSeq}`))
        .orderBy(asc(exportChunks.seq))
        .limit(limit);
    },
  };
}

export type ExportJobsRepository = ReturnType<typeof createExportJobsRepository>;
