// A subgraph process for the shutdown tests: the real entry point (startSubgraph) around a
// schema whose one mutation runs a statement, waits, then runs another, so a test can signal the
// process while requests are under way and check afterwards that each one ran to its end.
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parse } from 'graphql';
import {
  createSubgraphServer,
  DEVELOPMENT_SIGNING_SECRET,
  sql,
  startSubgraph,
  type SubgraphConfig,
} from '../../src/index.js';

const env = process.env;
const config: SubgraphConfig = {
  name: 'slow',
  production: false,
  host: '127.0.0.1',
  port: Number(env['PORT']),
  logLevel: env['LOG_LEVEL'] ?? 'info',
  databaseUrl: env['DATABASE_URL'],
  preparedStatements: true,
  databasePoolMax: 10,
  dataDir: env['DATA_DIR'] ?? '',
  signingSecret: DEVELOPMENT_SIGNING_SECRET,
  seedDemoData: false,
  shutdownTimeoutMs: Number(env['SHUTDOWN_TIMEOUT_MS']),
  telemetry: false,
  leaseTtlMs: 3_000,
};

await startSubgraph({
  config,
  migrationsFolder: fileURLToPath(new URL('../drizzle', import.meta.url)),
  createServer: ({ handle: { db }, log }) => {
    // mutations past their first statement and not yet done
    let pending = 0;
    return createSubgraphServer({
      name: 'slow',
      log,
      signingSecret: DEVELOPMENT_SIGNING_SECRET,
      typeDefs: parse(`
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
        type Query { pending: Int! }
        type Mutation { record(id: String!, ms: Int!): String! }
      `),
      createContext: (base) => base,
      resolvers: {
        Query: { pending: () => pending },
        Mutation: {
          record: async (_: unknown, { id, ms }: { id: string; ms: number }) => {
            await db.execute(sql`insert into event_cursors (consumer, position) values (${id}, 0)`);
            pending++;
            try {
              await delay(ms);
              await db.execute(sql`update event_cursors set position = 1 where consumer = ${id}`);
            } finally {
              pending--;
            }
            return id;
          },
        },
      },
    });
  },
});
