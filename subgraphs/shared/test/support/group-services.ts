// Two-line subgraphs for the tests of startSubgraphGroup: each answers `name` with its own name,
// on an embedded database of its own under `dataDir`, and hands its database to `onHandle`.
import { fileURLToPath } from 'node:url';
import { parse } from 'graphql';
import {
  createSubgraphServer,
  DEVELOPMENT_SIGNING_SECRET,
  type DatabaseHandle,
  type StartSubgraphOptions,
} from '../../src/index.js';

const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url));

export function groupService({
  name,
  port,
  dataDir,
  logLevel = 'silent',
  onHandle = () => {},
}: {
  name: string;
  port: number;
  dataDir: string;
  logLevel?: string;
  onHandle?: (handle: DatabaseHandle) => void;
}): StartSubgraphOptions {
  return {
    config: {
      name,
      production: false,
      host: '127.0.0.1',
      port,
      logLevel,
      databaseUrl: undefined,
      preparedStatements: true,
      databasePoolMax: 2,
      dataDir,
      signingSecret: DEVELOPMENT_SIGNING_SECRET,
      seedDemoData: false,
      shutdownTimeoutMs: 2_000,
      telemetry: false,
      leaseTtlMs: 3_000,
    },
    migrationsFolder,
    createServer: async ({ handle, log }) => {
      onHandle(handle);
      return createSubgraphServer({
        name,
        log,
        signingSecret: DEVELOPMENT_SIGNING_SECRET,
        typeDefs: parse(`
          extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
          type Query { name: String! }
        `),
        createContext: (base) => base,
        resolvers: { Query: { name: () => name } },
      });
    },
  };
}
