import type { DatabaseHandle } from '../db.js';
import { createLogger } from '../logger.js';
import { registerEventLogMetrics } from '../observability/event-metrics.js';
import { registerPoolMetrics } from '../observability/pool-metrics.js';
import type { Logger } from '../logger.js';
import type { SubgraphServer } from '../server.js';
import { createTestDatabase, openTestDatabaseReplica } from './database.js';
import { TEST_SIGNING_SECRET } from './graphql.js';

export interface TestSubgraph<S extends SubgraphServer = SubgraphServer> {
  url: string;
  handle: DatabaseHandle;
  /** the server createServer made, with whatever it exposes (consumers, for one) */
  server: S;
  stop(): Promise<void>;
}

/** A quiet logger for tests; LOG_LEVEL=debug makes it talk, captureTestLogs() records it. */
export const testLogger = (name: string): Logger =>
  logCapture
    ? createLogger({ name, level: 'debug', destination: logCapture })
    : createLogger({ name, level: process.env['LOG_LEVEL'] ?? 'silent' });

let logCapture: { write(line: string): void } | null = null;

/**
 * Records every line the loggers made by `testLogger` from now on write (parsed JSON), until
 * `stop`; a test starts its services after calling it.
 */
export function captureTestLogs(): { lines: Record<string, unknown>[]; stop(): void } {
  const lines: Record<string, unknown>[] = [];
  logCapture = { write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) };
  return {
    lines,
    stop() {
      logCapture = null;
    },
  };
}

/** Starts a subgraph on a fresh test database and a free port. */
export async function startTestSubgraph<S extends SubgraphServer = SubgraphServer>({
  name,
  migrationsFolder,
  createServer,
  port = 0,
}: {
  name: string;
  migrationsFolder: string;
  /** a fixed port (see freePort), for services that must know each other's URL up front */
  port?: number;
  createServer: (options: {
    handle: DatabaseHandle;
    signingSecret: string;
    log: Logger;
  }) => Promise<S>;
}): Promise<TestSubgraph<S>> {
  const handle = await createTestDatabase({ name, migrationsFolder });
  // a set-up that fails half way leaves no server, pool or database behind
  let server: S | undefined;
  let url: string;
  try {
    server = await createServer({
      handle,
      signingSecret: TEST_SIGNING_SECRET,
      log: testLogger(name),
    });
    registerPoolMetrics({ metrics: server.metrics, pool: handle.pool });
    registerEventLogMetrics({ metrics: server.metrics, handle });
    url = await server.listen({ port });
  } catch (error) {
    await server?.stop();
    await handle.close();
    throw error;
  }
  return {
    url,
    handle,
    server,
    async stop() {
      await server.stop();
      await handle.close();
    },
  };
}

/**
 * Starts another instance of a running test subgraph on the same database, on its own port
 * (and, on PostgreSQL, its own connection pool), like a second replica behind a load balancer.
 */
export async function startTestSubgraphReplica<S extends SubgraphServer = SubgraphServer>({
  of,
  name,
  migrationsFolder,
  createServer,
}: {
  of: TestSubgraph<SubgraphServer>;
  name: string;
  migrationsFolder: string;
  createServer: (options: {
    handle: DatabaseHandle;
    signingSecret: string;
    log: Logger;
  }) => Promise<S>;
}): Promise<TestSubgraph<S>> {
  const handle = await openTestDatabaseReplica({ of: of.handle, migrationsFolder });
  const server = await createServer({
    handle,
    signingSecret: TEST_SIGNING_SECRET,
    log: testLogger(`${name}-replica`),
  });
  const url = await server.listen();
  return {
    url,
    handle,
    server,
    async stop() {
      await server.stop();
      await handle.close();
    },
  };
}

/**
 * A port that was free a moment ago: lets services that follow each other know their URLs
 * first. It is drawn below the range the system hands out for outgoing connections (32768 and
 * up on Linux), where the many connections of a busy machine would take it before the service
 * listens on it; and above the ports the project's own services use.
 */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  const bindable = (port: number) =>
    new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = 10_000 + Math.floor(Math.random() * 22_000);
    if (await bindable(port)) return port;
  }
  throw new Error('no free port found between 10000 and 32000');
}
