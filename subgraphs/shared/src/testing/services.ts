import type { DatabaseHandle } from '../db.js';
import type { Logger } from '../logger.js';
import type { SubgraphServer } from '../server.js';
import { TEST_SIGNING_SECRET } from './graphql.js';
import { freePort, startTestSubgraph, testLogger, type TestSubgraph } from './subgraph.js';

/** One service of a test's set: its migrations, how to make its server, how to fill it. */
export interface TestService<S extends SubgraphServer = SubgraphServer> {
  migrationsFolder: string;
  /**
   * Makes the server; `urls` holds the /graphql URL of every service of the set (known before
   * any starts), so services that follow each other's events can name each other.
   */
  createServer(options: {
    handle: DatabaseHandle;
    signingSecret: string;
    log: Logger;
    urls: Readonly<Record<string, string | undefined>>;
  }): Promise<S>;
  /** fills the database once the service listens, before the next one starts */
  seed?(handle: DatabaseHandle): Promise<unknown>;
}

type ServerOf<T> = T extends TestService<infer S> ? S : never;

export interface TestServices<T extends Record<string, TestService<any>>> {
  /** each service by its name in the set */
  readonly services: { [K in keyof T]: TestSubgraph<ServerOf<T[K]>> };
  /** each service's /graphql URL */
  readonly urls: Readonly<Record<keyof T, string>>;
  /** stops a service's server and keeps its database and port (an outage) */
  stopServer(name: keyof T): Promise<void>;
  /** starts a stopped service's server again, on its port and database */
  startServer(name: keyof T): Promise<void>;
  /** stops every server, last started first, and closes their databases (see createTestDatabase) */
  stop(): Promise<void>;
}

/**
 * Starts a set of services that follow each other, each on a test database holding only what its
 * migrations wrote (createTestDatabase), in the order given (a service's `seed` runs before the
 * next one starts), every port chosen up front. A set-up that fails half way stops what it had
 * started: nothing is left running.
 */
export async function startTestServices<T extends Record<string, TestService<any>>>(
  set: T,
): Promise<TestServices<T>> {
  const names = Object.keys(set) as (keyof T & string)[];
  const ports: Record<string, number> = {};
  for (const name of names) ports[name] = await freePort();
  const urls = Object.fromEntries(
    names.map((name) => [name, `http://127.0.0.1:${ports[name]}/graphql`]),
  ) as Record<keyof T, string>;
  const factory =
    (name: keyof T & string) =>
    (options: Omit<Parameters<TestService['createServer']>[0], 'urls'>) =>
      set[name]!.createServer({ ...options, urls });

  const services = {} as { [K in keyof T]: TestSubgraph<ServerOf<T[K]>> };
  const started: TestSubgraph<any>[] = [];
  try {
    for (const name of names) {
      const service = await startTestSubgraph({
        name,
        port: ports[name],
        migrationsFolder: set[name]!.migrationsFolder,
        createServer: factory(name),
      });
      started.push(service);
      services[name] = service;
      await set[name]!.seed?.(service.handle);
    }
  } catch (error) {
    for (const service of started.reverse()) await service.stop().catch(() => {});
    throw error;
  }

  const stopped = new Set<keyof T>();
  return {
    services,
    urls,
    async stopServer(name) {
      await services[name].server.stop();
      stopped.add(name);
    },
    async startServer(name) {
      const service = services[name];
      service.server = await factory(name as keyof T & string)({
        handle: service.handle,
        signingSecret: TEST_SIGNING_SECRET,
        log: testLogger(String(name)),
      });
      await service.server.listen({ port: ports[name as string] });
      stopped.delete(name);
    },
    async stop() {
      for (const name of [...names].reverse()) {
        const service = services[name];
        // a stopped server is already down; a restarted one is not the one `stop` knows
        if (!stopped.has(name)) await service.server.stop().catch(() => {});
        await service.handle.close();
      }
    },
  };
}
