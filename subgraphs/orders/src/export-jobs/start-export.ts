import { randomUUID } from 'node:crypto';
import {
  checkIdempotencyKey,
  withIdempotency,
  type Database,
  type InvalidInput,
  type Viewer,
} from '@ordergraph/shared';
import type { ExportFormat } from '../db/export-jobs.js';
import { createExportJobsRepository } from './jobs.repository.js';
import type { ExportRowSource } from './row-source.js';

/** The most rows one export may hold. */
export const MAX_EXPORT_ROWS = 1_000_000;

/** An export was started: the job is resolved by id on every read. */
export type ExportStarted = {
  __typename: 'ExportOrdersSuccess';
  jobId: string;
};

export type ExportTooLarge = {
  __typename: 'ExportTooLargeError';
  message: string;
  limit: number;
};

/**
 * Starts an export of `source` rows: counts them (refusing more than MAX_EXPORT_ROWS) and queues
 * the job, in one transaction under the caller's idempotency key; the runner (runner.ts) writes
 * the file in the background. `success` names the success type of the caller's mutation.
 */
export async function startExport<Params>({
  db,
  source,
  params,
  format,
  viewer,
  mutation,
  input,
  idempotencyKey,
  success = 'ExportOrdersSuccess',
  maxRows = MAX_EXPORT_ROWS,
}: {
  db: Database;
  source: ExportRowSource<Params>;
  /** the source's parameters, already checked; stored as JSON with the job */
  params: Params;
  format: ExportFormat;
  viewer: Viewer;
  /** the mutation's name: the idempotency scope, with the caller */
  mutation: string;
  input: Record<string, unknown>;
  idempotencyKey: string;
  success?: string;
  /** the most rows the export may hold (MAX_EXPORT_ROWS unless the service sets less) */
  maxRows?: number;
}): Promise<ExportStarted | ExportTooLarge | InvalidInput> {
  const problem = checkIdempotencyKey(idempotencyKey);
  if (problem) return problem;
  return withIdempotency<ExportStarted | ExportTooLarge>(db, {
    scope: `${mutation}:${viewer.subject ?? ''}`,
    key: idempotencyKey,
    input,
    run: async (tx) => {
      const totalRows = await source.countUpTo(params, maxRows);
      if (totalRows > maxRows) {
        return {
          __typename: 'ExportTooLargeError',
          message: `More than ${maxRows.toLocaleString('en')} rows match: narrow the filter.`,
          limit: maxRows,
        };
      }
      const job = await createExportJobsRepository({ db: tx }).insertQueued({
        id: randomUUID(),
        kind: source.kind,
        format,
        params,
        requestedBy: viewer.subject ?? '',
        totalRows,
      });
      return { __typename: success, jobId: job.id } as ExportStarted;
    },
  });
}
