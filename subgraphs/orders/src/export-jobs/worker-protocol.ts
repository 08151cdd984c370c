import type { ExportJobRow } from '../db/export-jobs.js';
import type { PageSettings, PagesOutcome } from './page-writer.js';
import type { ExportRowSource } from './row-source.js';
import type { Database } from '@ordergraph/shared/core';

/**
 * A module that builds a service's row sources over a database, so that a worker thread builds
 * the same ones over its own pool: it exports `createExportSources`.
 */
export interface ExportSourcesModule {
  createExportSources(options: {
    db: Database;
    /** what the sources need besides the database (service URLs, the signing secret) */
    settings: any;
  }): Record<string, ExportRowSource<any>>;
}

/** What a worker thread is started with (structured-cloned: plain values only). */
export interface ExportWorkerData {
  databaseUrl: string;
  maxConnections: number;
  preparedStatements: boolean;
  /** the URL of the ExportSourcesModule */
  sourcesModule: string;
  settings: unknown;
  lease: { name: string; token: number };
  /** the job as its run began */
  job: ExportJobRow;
  pages: PageSettings;
}

export type ExportLogLevel = 'info' | 'warn' | 'error';

/** A message from the thread: a log line for the service's logger, or how the run ended. */
export type FromExportWorker =
  | { type: 'log'; level: ExportLogLevel; fields: Record<string, unknown>; message: string }
  | { type: 'done'; outcome: PagesOutcome | 'lease-lost' }
  | { type: 'done'; outcome: 'error'; error: unknown };

/** A message to the thread: stop after the page under way. */
export type ToExportWorker = { type: 'stop' };
