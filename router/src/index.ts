import { readFileSync } from 'node:fs';
import { createLogger } from '@ordergraph/shared/logging';
import { startTelemetry } from '@ordergraph/shared/telemetry';
import { superviseWorkers, supervisesWorkers } from './cluster.js';
import { loadConfig } from './config.js';
import { watchSupergraph } from './observability/supergraph-watch.js';
import { createRouter } from './server.js';

const config = loadConfig();
const log = createLogger({ name: 'router', level: config.logLevel });
if (config.usingDevelopmentJwtSecret) {
  log.warn(
    'AUTH_JWT_SECRET is not set: using the development secret (never do this in production)',
  );
}
// ROUTER_WORKERS > 1: this process only forks and supervises the workers that serve the port
if (supervisesWorkers(config.workers)) process.exit(await superviseWorkers({ ...config, log }));
// before the router exists, so the gateway's spans find the provider
const tracing = await startTelemetry({ serviceName: 'router', enabled: config.telemetry });

const supergraphSdl = readFileSync(config.supergraphPath, 'utf8');
const router = await createRouter({ ...config, supergraphSdl, log });
const url = await router.listen({ port: config.port, host: config.host });
log.info({ url }, 'router ready');
const watcher = config.watchSupergraph
  ? watchSupergraph({
      path: config.supergraphPath,
      initialSdl: supergraphSdl,
      reload: (sdl) => router.reload(sdl),
      log,
    })
  : null;

// the drain gets the timeout; the margin flushes the traces
const EXIT_MARGIN_MS = 2_000;
let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down');
  setTimeout(() => process.exit(1), config.shutdownTimeoutMs + EXIT_MARGIN_MS).unref();
  watcher?.close();
  await router.stop();
  const cutOff = router.cutOff();
  if (cutOff > 0) {
    log.warn(
      { cutOff, shutdownTimeoutMs: config.shutdownTimeoutMs },
      'shutdown deadline passed: requests cut off',
    );
  }
  await tracing?.shutdown();
  // requests cut off make it no clean stop: the exit code tells the orchestrator so
  process.exit(cutOff > 0 ? 1 : 0);
};
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));
