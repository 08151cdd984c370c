import type { Database } from '@ordergraph/shared/core';
import { createLedgerExportSource } from './billing/ledger-export.js';
import { createCustomersClient } from './clients/customers.js';
import { createOrderExportSource } from './search/order-export.js';

/** What the export sources need besides the database: plain values, for a worker thread too. */
export interface ExportSourcesSettings {
  /** the customers subgraph, which an order export asks for e-mails */
  customersUrl: string;
  signingSecret: string;
}

/**
 * The row sources of this service's exports, by name: built by the server over its pool, and by
 * an export's worker thread over the thread's own (export-jobs/export-worker.ts loads this
 * module).
 */
export function createExportSources({
  db,
  settings: { customersUrl, signingSecret },
}: {
  db: Database;
  settings: ExportSourcesSettings;
}) {
  return {
    orders: createOrderExportSource({
      db,
      customers: createCustomersClient({ url: customersUrl, signingSecret }),
    }),
    ledger: createLedgerExportSource({ db }),
  };
}
