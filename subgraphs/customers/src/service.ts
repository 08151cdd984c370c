import type { StartSubgraphOptions } from '@ordergraph/shared';
import { loadConfig } from './config.js';
import { seedDemoData } from './seed.js';
import { createSender } from './senders.js';
import { createServer, migrationsFolder } from './server.js';

/** The customers service as it is started, alone (index.ts) or beside the others. */
export function customersService(config = loadConfig()): StartSubgraphOptions {
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
        shipmentsUrl: config.SHIPMENTS_URL,
        sender: createSender({ smtpUrl: config.SMTP_URL, smtpFrom: config.SMTP_FROM, log }),
      }),
  };
}
