import { startSubgraph } from '@ordergraph/shared';
import { loadConfig } from './config.js';
import { seedDemoData } from './seed.js';
import { createServer, migrationsFolder } from './server.js';

const config = loadConfig();

await startSubgraph({
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
});
