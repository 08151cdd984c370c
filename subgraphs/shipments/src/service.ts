import type { StartSubgraphOptions } from '@ordergraph/shared';
import { loadConfig } from './config.js';
import { seedDemoData } from './seed.js';
import { createServer, migrationsFolder } from './server.js';

/** The shipments service as it is started, alone (index.ts) or beside the others. */
export function shipmentsService(config = loadConfig()): StartSubgraphOptions {
  return {
    config,
    migrationsFolder,
    seed: seedDemoData,
    createServer: ({ handle, log }) =>
      createServer({
        handle,
        signingSecret: config.signingSecret,
        log,
        production: config.production,
        leaseTtlMs: config.leaseTtlMs,
        ordersUrl: config.ORDERS_URL,
      }),
  };
}
