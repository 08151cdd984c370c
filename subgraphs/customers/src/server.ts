import { fileURLToPath } from 'node:url';
import {
  createSubgraphServer,
  loadTypeDefs,
  type DatabaseHandle,
  type Logger,
  type SubgraphServer,
} from '@ordergraph/shared';
import { startConsumers, type NotificationConsumers } from './consumers.js';
import { createContext, type Context } from './context.js';
import { startNotificationDispatcher, type NotificationDispatcher } from './dispatcher.js';
import { resolvers } from './resolvers/index.js';
import { createLogSender, type NotificationSender } from './senders.js';

export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

/** The drizzle-kit migrations of this service, applied when its database opens. */
export const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url));

/** The customers subgraph, with what runs beside it: tests await these. */
export interface CustomersServer extends SubgraphServer {
  /** the consumers of the orders and shipments feeds (each null without its URL) */
  consumers: NotificationConsumers;
  /** the outbox dispatcher sending notifications through the sender */
  dispatcher: NotificationDispatcher;
}

/** The customers subgraph over an open database, not yet listening. */
export async function createServer({
  handle,
  signingSecret,
  log,
  production = false,
  ordersUrl,
  shipmentsUrl,
  sender = createLogSender(log),
  leaseTtlMs,
}: {
  handle: DatabaseHandle;
  signingSecret: string;
  log: Logger;
  production?: boolean;
  /** the orders subgraph: its feed is followed for notifications when given */
  ordersUrl?: string;
  /** the shipments subgraph: its feed is followed for notifications when given */
  shipmentsUrl?: string;
  /** how notifications reach customers; a log line each unless another is given */
  sender?: NotificationSender;
  /** how soon another replica takes the background work over when this one dies (lease.ts) */
  leaseTtlMs?: number;
}): Promise<CustomersServer> {
  let workers: { consumers: NotificationConsumers; dispatcher: NotificationDispatcher } | null =
    null;
  const server = await createSubgraphServer<Context>({
    name: 'customers',
    typeDefs,
    resolvers,
    signingSecret,
    log,
    production,
    isReady: handle.ping,
    createContext: (base) => createContext({ ...base, db: handle.db }),
    onStop: async () => {
      await workers?.consumers.stop();
      await workers?.dispatcher.stop();
    },
  });
  // after the server: the workers' leases show on its metrics
  const leases = { metrics: server.metrics, leaseTtlMs };
  try {
    const dispatcher = await startNotificationDispatcher({ handle, sender, log, ...leases });
    const consumers = await startConsumers({
      handle,
      signingSecret,
      log,
      ordersUrl,
      shipmentsUrl,
      ...leases,
    }).catch(async (error: unknown) => {
      await dispatcher.stop();
      throw error;
    });
    workers = { consumers, dispatcher };
    return { ...server, ...workers };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
