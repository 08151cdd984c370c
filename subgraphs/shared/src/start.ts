import { isAbsolute, join } from 'node:path';
import { openDatabase, type DatabaseHandle } from './db.js';
import { createLogger, type Logger } from './logger.js';
import { PROJECT_ROOT } from './paths.js';
import { registerEventLogMetrics } from './observability/event-metrics.js';
import { registerPoolMetrics } from './observability/pool-metrics.js';
import { startTelemetry, type Telemetry } from './observability/telemetry.js';
import type { SubgraphServer } from './server.js';
import type { SubgraphConfig } from './subgraph-config.js';

export interface StartSubgraphOptions {
  /** the service's settings as its config.ts read them: name, port, database, shutdown, telemetry */
  config: SubgraphConfig;
  /** the process's logger; one is made from the config's name and log level when omitted */
  log?: Logger;
  migrationsFolder: string;
  /** seeds demo data into an empty database; on when the config says so, else for the embedded one */
  seed?: (handle: DatabaseHandle) => Promise<void>;
  createServer: (parts: { handle: DatabaseHandle; log: Logger }) => Promise<SubgraphServer>;
}

/** A subgraph listening on its port, until `stop`. */
export interface RunningSubgraph {
  name: string;
  log: Logger;
  /** how long its shutdown may take (SHUTDOWN_TIMEOUT_MS) */
  shutdownTimeoutMs: number;
  /**
   * Drains its requests (at most the shutdown timeout), closes its database and flushes its
   * traces; resolves to how many requests the deadline cut off.
   */
  stop(): Promise<number>;
}

/** What a shutdown may take beyond the drain: closing the pool, flushing the traces. */
export const EXIT_MARGIN_MS = 2_000;

/**
 * Opens a subgraph's database, seeds it when asked, and listens. A start that fails half way
 * closes what it had opened before it throws, so a process starting several subgraphs can stop
 * the others and exit.
 */
export async function launchSubgraph({
  config,
  log = createLogger({ name: config.name, level: config.logLevel }),
  migrationsFolder,
  seed,
  createServer,
}: StartSubgraphOptions): Promise<RunningSubgraph> {
  const { name, port, host, databaseUrl, dataDir, shutdownTimeoutMs } = config;
  const tracing = await startTelemetry({ serviceName: name, enabled: config.telemetry });
  let handle: DatabaseHandle | undefined;
  let server: SubgraphServer | undefined;
  try {
    const root = isAbsolute(dataDir) ? dataDir : join(PROJECT_ROOT, dataDir);
    handle = await openDatabase({
      url: databaseUrl,
      preparedStatements: config.preparedStatements,
      maxConnections: config.databasePoolMax,
      dataDir: databaseUrl ? undefined : join(root, name),
      migrationsFolder,
      log,
    });
    log.info({ database: handle.kind }, 'database migrated');
    if (seed && (config.seedDemoData ?? handle.kind === 'pglite')) await seed(handle);

    server = await createServer({ handle, log });
    // the pool first: its gauges are read before the event-log gauges send their SQL
    registerPoolMetrics({ metrics: server.metrics, pool: handle.pool });
    registerEventLogMetrics({ metrics: server.metrics, handle });
    await server.listen({ port, host });
  } catch (error) {
    await server?.stop({ timeoutMs: 0 }).catch(() => {});
    await handle?.close().catch(() => {});
    await tracing?.shutdown().catch(() => {});
    throw error;
  }
  const listening = server;
  const database = handle;
  return {
    name,
    log,
    shutdownTimeoutMs,
    stop: () =>
      stopSubgraph({ server: listening, handle: database, tracing, log, shutdownTimeoutMs }),
  };
}

async function stopSubgraph({
  server,
  handle,
  tracing,
  log,
  shutdownTimeoutMs,
}: {
  server: SubgraphServer;
  handle: DatabaseHandle;
  tracing: Telemetry | null;
  log: Logger;
  shutdownTimeoutMs: number;
}): Promise<number> {
  // the server drains its requests first: the pool closes only once nothing needs it
  await server.stop({ timeoutMs: shutdownTimeoutMs });
  const cutOff = server.cutOff();
  if (cutOff > 0) {
    log.warn({ cutOff, shutdownTimeoutMs }, 'shutdown deadline passed: requests cut off');
  }
  await handle.close();
  log.info('database closed');
  await tracing?.shutdown();
  return cutOff;
}

/** Starts one subgraph as its process's only service, and shuts down cleanly on SIGINT/SIGTERM. */
export async function startSubgraph(options: StartSubgraphOptions): Promise<void> {
  const subgraph = await launchSubgraph(options);
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    subgraph.log.info({ signal }, 'shutting down');
    // the drain gets the timeout; the margin closes the pool and flushes the traces
    setTimeout(() => process.exit(1), subgraph.shutdownTimeoutMs + EXIT_MARGIN_MS).unref();
    const cutOff = await subgraph.stop();
    // requests cut off make it no clean stop: the exit code tells the orchestrator so
    process.exit(cutOff > 0 ? 1 : 0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}
