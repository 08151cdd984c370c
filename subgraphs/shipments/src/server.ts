import { fileURLToPath } from 'node:url';
import {
  createEventFeed,
  createSubgraphServer,
  loadTypeDefs,
  startEventTail,
  type DatabaseHandle,
  type EventFeed,
  type EventTail,
  type Logger,
  type SubgraphServer,
} from '@ordergraph/shared';
import { startConsumers, type ShipmentsConsumers } from './consumers.js';
import { createContext, type Context } from './context.js';
import { createResolvers } from './resolvers/index.js';

export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

/** The drizzle-kit migrations of this service, applied when its database opens. */
export const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url));

/** The shipments subgraph, with the consumers it runs (null when it follows no one). */
export interface ShipmentsServer extends SubgraphServer {
  consumers: ShipmentsConsumers | null;
  /** the reader of new events that feeds `shipmentUpdated` subscriptions */
  tail: EventTail;
  /** the feed other services follow (`shipmentsEventLog`) */
  feed: EventFeed;
}

/**
 * The shipments subgraph over an open database, not yet listening. Given `ordersUrl`, it
 * follows the orders service's event log (placed orders get their shipments) until stopped.
 */
export async function createServer({
  handle,
  signingSecret,
  log,
  production = false,
  ordersUrl,
  consumerWaitMs,
  leaseTtlMs,
}: {
  handle: DatabaseHandle;
  signingSecret: string;
  log: Logger;
  production?: boolean;
  /** the orders subgraph, whose `ordersEventLog` this service follows */
  ordersUrl?: string;
  /** how long one long poll of another service's feed waits (tests stop faster with less) */
  consumerWaitMs?: number;
  /** how soon another replica takes the consumer over when this one dies (lease.ts) */
  leaseTtlMs?: number;
}): Promise<ShipmentsServer> {
  // one read of the log per commit serves the subscriptions and the feeds other services follow
  const tail = await startEventTail({ handle, log });
  const feed = createEventFeed(handle, { tail });
  let consumers: ShipmentsConsumers | null = null;
  const server = await createSubgraphServer<Context>({
    name: 'shipments',
    typeDefs,
    resolvers: createResolvers({ feed, tail }),
    signingSecret,
    log,
    production,
    isReady: handle.ping,
    createContext: (base) => createContext({ ...base, db: handle.db }),
    onStop: async () => {
      await consumers?.stop();
      // the feed answers its waiting readers first: it follows the tail
      await feed.close();
      await tail.stop();
    },
  });
  if (ordersUrl) {
    try {
      consumers = await startConsumers({
        handle,
        ordersUrl,
        signingSecret,
        log,
        waitMs: consumerWaitMs,
        metrics: server.metrics,
        leaseTtlMs,
      });
    } catch (error) {
      await server.stop();
      throw error;
    }
  }
  return { ...server, consumers, tail, feed };
}
