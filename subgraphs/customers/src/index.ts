import { createLogger, startSubgraph } from '@ordergraph/shared';
import { loadConfig } from './config.js';
import { seedDemoData } from './seed.js';
import { createSender } from './senders.js';
import { createServer, migrationsFolder } from './server.js';

const config = loadConfig();
const log = createLogger({ name: config.name, level: config.logLevel });

await startSubgraph({
  name: config.name,
  port: config.port,
  host: config.host,
  log,
  databaseUrl: config.databaseUrl,
  preparedStatements: config.preparedStatements,
  maxConnections: config.databasePoolMax,
  dataDir: config.dataDir,
  shutdownTimeoutMs: config.shutdownTimeoutMs,
  telemetry: config.telemetry,
  migrationsFolder,
  seed: { enabled: config.seedDemoData, run: seedDemoData },
  createServer: (handle) =>
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
});
