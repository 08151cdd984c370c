import { readFileSync } from 'node:fs';
import { createLogger } from '@ordergraph/shared';
import { loadConfig } from './config.js';
import { createRouter } from './server.js';

const config = loadConfig();
const log = createLogger({ name: 'router', level: config.logLevel });
if (config.usingDevelopmentJwtSecret) {
  log.warn(
    'AUTH_JWT_SECRET is not set: using the development secret (never do this in production)',
  );
}

const router = await createRouter({
  ...config,
  supergraphSdl: readFileSync(config.supergraphPath, 'utf8'),
  log,
});
const url = await router.listen({ port: config.port, host: config.host });
log.info({ url }, 'router ready');

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down');
  setTimeout(() => process.exit(1), 10_000).unref();
  await router.stop();
  process.exit(0);
};
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));
