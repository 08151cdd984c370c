import {
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { instant } from '@ordergraph/shared/tables';

export const EXPORT_FORMATS = ['CSV', 'JSONL'] as const;
export const EXPORT_JOB_STATUSES = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'EXPIRED'] as const;

export const exportFormat = pgEnum('export_format', EXPORT_FORMATS);
export const exportJobStatus = pgEnum('export_job_status', EXPORT_JOB_STATUSES);

const moment = (name: string) =>
  timestamp(name, { withTimezone: true, mode: 'date', precision: 3 });

/**
 * A file written in the background from a row source (see export-jobs/): the job's state, and
 * where its next page starts, so that another replica resumes it after a crash.
 */
export const exportJobs = pgTable(
  'export_jobs',
  {
    id: uuid('id').primaryKey(),
    // the row source that writes it, e.g. "orders"
    kind: text('kind').notNull(),
    format: exportFormat('format').notNull(),
    // the row source's own parameters (for orders, the checked filter)
    params: jsonb('params').$type<unknown>().notNull(),
    // the subject of the staff member who started it: who may read and download it
    requestedBy: text('requested_by').notNull(),
    status: exportJobStatus('status').notNull(),
    // counted when the job was started: progress is rowCount over it
    totalRows: integer('total_rows').notNull(),
    rowCount: integer('row_count').notNull().default(0),
    chunkCount: integer('chunk_count').notNull().default(0),
    // where the next page starts, as the row source encoded it; null before the first
    cursor: jsonb('cursor').$type<unknown>(),
    // runs begun (a crashed run is resumed by the next) and pages that failed in a row
    attempts: integer('attempts').notNull().default(0),
    failures: integer('failures').notNull().default(0),
    error: text('error'),
    createdAt: instant('created_at'),
    updatedAt: instant('updated_at'),
    finishedAt: moment('finished_at'),
    expiresAt: moment('expires_at'),
  },
  (table) => [
    index('export_jobs_pending_idx')
      .on(table.createdAt)
      .where(sql`${table.status} in ('QUEUED', 'RUNNING')`),
    index('export_jobs_expiry_idx')
      .on(table.expiresAt)
      .where(sql`${table.status} = 'SUCCEEDED'`),
  ],
);

/** An export's file, a page of rows per chunk in order, until the job expires. */
export const exportChunks = pgTable(
  'export_chunks',
  {
    jobId: uuid('job_id')
      .notNull()
      .references(() => exportJobs.id),
    seq: integer('seq').notNull(),
    data: text('data').notNull(),
  },
  (table) => [primaryKey({ columns: [table.jobId, table.seq] })],
);

export type ExportJobRow = typeof exportJobs.$inferSelect;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export type ExportJobStatus = (typeof EXPORT_JOB_STATUSES)[number];
