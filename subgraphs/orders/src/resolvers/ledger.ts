import { forbidden, hasRole, invalidInput, type InvalidInput } from '@ordergraph/shared';
import type { Resolvers } from '../__generated__/resolvers-types.js';
import { rangeProblem } from '../billing/ranges.js';
import type { ExportLedgerStarted } from '../billing/ledger-export.js';
import { startExport, type ExportTooLarge } from '../export-jobs/start-export.js';

/** Mutation.exportLedger, merged into the Mutation resolvers. */
export const LedgerMutation: Pick<NonNullable<Resolvers['Mutation']>, 'exportLedger'> = {
  exportLedger: async (_parent, { input }, { viewer, db, exports, billing }) => {
    if (!hasRole(viewer, 'staff', 'admin') || !viewer.subject) {
      throw forbidden('Only signed-in staff may export the ledger.');
    }
    // the DateTime scalar parses inputs into dates (shared/scalars.ts)
    const from = new Date(input.from);
    const to = new Date(input.to);
    const problem = rangeProblem({ from, to });
    if (problem) return invalidInput(problem, 'to');
    const known = [billing.invoiceSeries, billing.creditNoteSeries];
    const series = input.series ?? null;
    const unknown = series?.findIndex((name) => !known.includes(name)) ?? -1;
    if (unknown >= 0) {
      return invalidInput(
        `"${series![unknown]}" is not a series of this service (${known.join(', ')}).`,
        `series.${unknown}`,
      );
    }
    if (series?.length === 0) return invalidInput('List at least one series.', 'series');
    // startExport names the success type it is given; its own type says the orders' one
    return (await startExport({
      db,
      source: exports.ledger,
      params: { from: from.toISOString(), to: to.toISOString(), series },
      format: input.format,
      viewer,
      mutation: 'exportLedger',
      input,
      idempotencyKey: input.idempotencyKey,
      success: 'ExportLedgerSuccess',
      maxRows: exports.maxRows,
    })) as unknown as ExportLedgerStarted | ExportTooLarge | InvalidInput;
  },
};

// stored as an id (see withIdempotency) and read again on every answer
export const ExportLedgerSuccess: Resolvers['ExportLedgerSuccess'] = {
  job: async ({ jobId }, _args, { loaders }) => (await loaders.exportJobById.load(jobId))!,
};
