import { fileURLToPath } from 'node:url';
import {
  createSubgraphServer,
  loadTypeDefs,
  type DatabaseHandle,
  type Logger,
  type SubgraphServer,
} from '@ordergraph/shared';
import { createContext, type Context } from './context.js';
import { resolvers } from './resolvers/index.js';

export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

/** The drizzle-kit migrations of this service, applied when its database opens. */
export const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url));

/** The catalog subgraph over an open database, not yet listening. */
export function createServer({
  handle,
  signingSecret,
  log,
  production = false,
}: {
  handle: DatabaseHandle;
  signingSecret: string;
  log: Logger;
  production?: boolean;
}): Promise<SubgraphServer> {
  return createSubgraphServer<Context>({
    name: 'catalog',
    typeDefs,
    resolvers,
    signingSecret,
    log,
    production,
    isReady: handle.ping,
    createContext: (base) => createContext({ ...base, db: handle.db }),
  });
}
