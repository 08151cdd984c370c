import { isAbsolute, join } from 'node:path';
import { openDatabase, type DatabaseHandle } from './db.js';
import type { Logger } from './logger.js';
import { PROJECT_ROOT } from './paths.js';
import { registerEventLogMetrics } from './observability/event-metrics.js';
import { registerPoolMetrics } from './observability/pool-metrics.js';
import { startTelemetry } from './observability/telemetry.js';
import type { SubgraphServer } from './server.js';

export interface StartSubgraphOptions {
  name: string;
  port: number;
  host: string;
  log: Logger;
  /** a PostgreSQL URL, or undefined for the embedded database under `<dataDir>/<name>` */
  databaseUrl: string | undefined;
  /** prepares statements with parameters on PostgreSQL (see OpenDatabaseOptions); default on */
  preparedStatements?: boolean | undefined;
  /** the pool's size on PostgreSQL (see OpenDatabaseOptions); default 10 */
  maxConnections?: number | undefined;
  dataDir: string;
  migrationsFolder: string;
  /** seeds demo data into an empty database; defaults to on for the embedded database */
  seed?: { enabled: boolean | undefined; run: (handle: DatabaseHandle) => Promise<void> };
  createServer: (handle: DatabaseHandle) => Promise<SubgraphServer>;
  /** how long a graceful shutdown may take before the process exits anyway */
  shutdownTimeoutMs?: number;
  /** OpenTelemetry on, its exporters from the OTEL_* variables (config's `telemetry`) */
  telemetry?: boolean;
}

const EXIT_MARGIN_MS = 2_000;

/** Opens the database, seeds it when asked, listens, and shuts down cleanly on SIGINT/SIGTERM. */
export async function startSubgraph({
  name,
  port,
  host,
  log,
  databaseUrl,
  preparedStatements,
  maxConnections,
  dataDir,
  migrationsFolder,
  seed,
  createServer,
  shutdownTimeoutMs = 10_000,
  telemetry = false,
}: StartSubgraphOptions): Promise<void> {
  const tracing = startTelemetry({ serviceName: name, enabled: telemetry });
  const root = isAbsolute(dataDir) ? dataDir : join(PROJECT_ROOT, dataDir);
  const handle = await openDatabase({
    url: databaseUrl,
    preparedStatements,
    maxConnections,
    dataDir: databaseUrl ? undefined : join(root, name),
    migrationsFolder,
    log,
  });
  log.info({ database: handle.kind }, 'database migrated');
  if (seed && (seed.enabled ?? handle.kind === 'pglite')) await seed.run(handle);

  const server = await createServer(handle);
  // the pool first: its gauges are read before the event-log gauges send their SQL
  registerPoolMetrics({ metrics: server.metrics, pool: handle.pool });
  registerEventLogMetrics({ metrics: server.metrics, handle });
  await server.listen({ port, host });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    // the drain gets the timeout; the margin closes the pool and flushes the traces
    setTimeout(() => process.exit(1), shutdownTimeoutMs + EXIT_MARGIN_MS).unref();
    // the server drains its requests first: the pool closes only once nothing needs it
    await server.stop({ timeoutMs: shutdownTimeoutMs });
    const cutOff = server.cutOff();
    if (cutOff > 0) {
      log.warn({ cutOff, shutdownTimeoutMs }, 'shutdown deadline passed: requests cut off');
    }
    await handle.close();
    log.info('database closed');
    await tracing?.shutdown();
    // requests cut off make it no clean stop: the exit code tells the orchestrator so
    process.exit(cutOff > 0 ? 1 : 0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}
