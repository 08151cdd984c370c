import { fileURLToPath } from 'node:url';
import {
  createSubgraphServer,
  loadTypeDefs,
  type DatabaseHandle,
  type Logger,
  type SubgraphServer,
} from '@ordergraph/shared';
import type { CatalogClient } from './catalog.client.js';
import { createContext, type Context } from './context.js';
import { resolvers } from './resolvers/index.js';

export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

/** The drizzle-kit migrations of this service, applied when its database opens. */
export const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url));

/** The inventory subgraph over an open database, not yet listening. */
export function createServer({
  handle,
  signingSecret,
  log,
  catalog,
  production = false,
}: {
  handle: DatabaseHandle;
  signingSecret: string;
  log: Logger;
  /** tells which SKUs exist; the catalog owns them */
  catalog: CatalogClient;
  production?: boolean;
}): Promise<SubgraphServer> {
  return createSubgraphServer<Context>({
    name: 'inventory',
    typeDefs,
    resolvers,
    signingSecret,
    log,
    production,
    isReady: handle.ping,
    createContext: (base) => createContext({ ...base, db: handle.db, catalog }),
  });
}

export { createCatalogClient, type CatalogClient } from './catalog.client.js';
