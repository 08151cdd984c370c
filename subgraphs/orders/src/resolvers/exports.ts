import { forbidden, hasRole, notFound, type Viewer } from '@ordergraph/shared';
import type { Resolvers } from '../__generated__/resolvers-types.js';
import type { Context } from '../context.js';
import type { ExportJobRow } from '../db/export-jobs.js';
import { canReadExportJob, downloadPathOf } from '../export-jobs/access.js';
import { startExport } from '../export-jobs/start-export.js';
import { parseOrderFilter } from '../search/order-search.js';

const readable = (viewer: Viewer, job: ExportJobRow | null) => {
  if (!job) return null;
  if (!canReadExportJob(viewer, job)) {
    throw forbidden('Only who started an export, or an admin, may see it.');
  }
  return job;
};

/** Query.exportJob, merged into the Query resolvers. */
export const ExportQuery: Pick<NonNullable<Resolvers['Query']>, 'exportJob'> = {
  exportJob: async (_parent, { id }, { viewer, loaders }) =>
    readable(viewer, await loaders.exportJobById.load(id.toLowerCase())),
};

/** Mutation.exportOrders, merged into the Mutation resolvers. */
export const ExportMutation: Pick<NonNullable<Resolvers['Mutation']>, 'exportOrders'> = {
  exportOrders: async (_parent, { input }, { viewer, db, exports }) => {
    if (!hasRole(viewer, 'staff', 'admin') || !viewer.subject) {
      throw forbidden('Only signed-in staff may export orders.');
    }
    const filter = parseOrderFilter(input.filter, 'filter');
    if ('__typename' in filter) return filter;
    return startExport({
      db,
      source: exports.orders,
      params: filter,
      format: input.format,
      viewer,
      mutation: 'exportOrders',
      input,
      idempotencyKey: input.idempotencyKey,
      maxRows: exports.maxRows,
    });
  },
};

/** Subscription.exportJobUpdated, merged into the Subscription resolvers. */
export const ExportSubscription: Pick<
  NonNullable<Resolvers['Subscription']>,
  'exportJobUpdated'
> = {
  exportJobUpdated: {
    // the same rule as Query.exportJob, checked before anything is sent
    subscribe: async (_root, { id }, { viewer, loaders, exports }) => {
      const job = await loaders.exportJobById.load(id.toLowerCase());
      if (!job) throw notFound(`There is no export job ${id}.`);
      readable(viewer, job);
      return exports.watch.follow(job.id);
    },
    resolve: (job: ExportJobRow, _args: unknown, _context: Context) => job,
  },
};

export const ExportJob: Resolvers['ExportJob'] = {
  progress: (job) => {
    if (job.status === 'SUCCEEDED') return 1;
    return job.totalRows === 0 ? 0 : Math.min(1, job.rowCount / job.totalRows);
  },
  // the file is gone once expired, even before the runner marks it so
  downloadUrl: (job) =>
    job.status === 'SUCCEEDED' && job.expiresAt !== null && job.expiresAt.getTime() > Date.now()
      ? downloadPathOf(job.id)
      : null,
};

// stored as an id (see withIdempotency) and read again on every answer
export const ExportOrdersSuccess: Resolvers['ExportOrdersSuccess'] = {
  job: async ({ jobId }, _args, { loaders }) => (await loaders.exportJobById.load(jobId))!,
};
