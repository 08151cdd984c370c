import type { StartSubgraphOptions } from '@ordergraph/shared';
import { createCatalogClient } from './clients/catalog.js';
import { loadConfig } from './config.js';
import { seedDemoData } from './seed.js';
import { createServer, migrationsFolder } from './server.js';

/** The inventory service as it is started, alone (index.ts) or beside the others. */
export function inventoryService(config = loadConfig()): StartSubgraphOptions {
  return {
    config,
    migrationsFolder,
    seed: seedDemoData,
    createServer: ({ handle, log }) =>
      createServer({
        handle,
        signingSecret: config.signingSecret,
        log,
        catalog: createCatalogClient({
          url: config.CATALOG_URL,
          signingSecret: config.signingSecret,
        }),
        shipmentsUrl: config.SHIPMENTS_URL,
        reservationTtlMs: config.RESERVATION_TTL_MS,
        overReceiptTolerancePercent: config.PURCHASE_OVER_RECEIPT_TOLERANCE_PERCENT,
        production: config.production,
        leaseTtlMs: config.leaseTtlMs,
      }),
  };
}
