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
import type { CatalogClient } from './clients/catalog.js';
import { startConsumers, type InventoryConsumers } from './consumers.js';
import { createContext, type Context } from './context.js';
import { startLeasedReservationExpiry } from './reservation-expiry.js';
import { resolvers } from './resolvers/index.js';

export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

/** The drizzle-kit migrations of this service, applied when its database opens. */
export const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url));

/** The inventory subgraph, with the consumers it runs (stopped with it). */
export interface InventoryServer extends SubgraphServer {
  consumers: InventoryConsumers;
  /** the reader of new events that feeds `stockChanged` subscriptions */
  tail: EventTail;
  /** the feed other services follow (`inventoryEventLog`) */
  feed: EventFeed;
}

/** The inventory subgraph over an open database, not yet listening. */
export async function createServer({
  handle,
  signingSecret,
  log,
  catalog,
  shipmentsUrl,
  consumerWaitMs,
  leaseTtlMs,
  reservationTtlMs,
  overReceiptTolerancePercent = 0,
  production = false,
}: {
  handle: DatabaseHandle;
  signingSecret: string;
  log: Logger;
  /** tells which SKUs exist; the catalog owns them */
  catalog: CatalogClient;
  /** the shipments subgraph: when given, its feed is followed and shipped stock becomes sold */
  shipmentsUrl?: string | undefined;
  /** how long one long poll of another service's feed waits */
  consumerWaitMs?: number;
  /** how soon another replica takes the consumers over when this one dies (lease.ts) */
  leaseTtlMs?: number;
  /**
   * when given, a reservation no order confirmed within it is released, on one replica at a
   * time (reservation-expiry.ts); index.ts passes RESERVATION_TTL_MS
   */
  reservationTtlMs?: number | undefined;
  /** how far beyond the ordered units a purchase order line may be received, in percent */
  overReceiptTolerancePercent?: number;
  production?: boolean;
}): Promise<InventoryServer> {
  // one read of the log per commit serves the subscriptions and the feeds other services follow
  const tail = await startEventTail({ handle, log });
  const feed = createEventFeed(handle, { tail });
  let consumers: InventoryConsumers | null = null;
  let expiry: { stop(): Promise<void> } | null = null;
  const server = await createSubgraphServer<Context>({
    name: 'inventory',
    typeDefs,
    resolvers,
    signingSecret,
    log,
    production,
    isReady: handle.ping,
    createContext: (base) =>
      createContext({ ...base, db: handle.db, catalog, feed, tail, overReceiptTolerancePercent }),
    onStop: async () => {
      await expiry?.stop();
      await consumers?.stop();
      // the feed answers its waiting readers first: it follows the tail
      await feed.close();
      await tail.stop();
    },
  });
  // after the server: the consumers' leases show on its metrics
  try {
    consumers = await startConsumers({
      handle,
      shipmentsUrl,
      signingSecret,
      log,
      waitMs: consumerWaitMs,
      metrics: server.metrics,
      leaseTtlMs,
    });
    if (reservationTtlMs !== undefined) {
      expiry = await startLeasedReservationExpiry({
        handle,
        ttlMs: reservationTtlMs,
        log,
        metrics: server.metrics,
        leaseTtlMs,
      });
    }
  } catch (error) {
    await server.stop();
    throw error;
  }
  return Object.assign(server, { consumers, tail, feed });
}

export { createCatalogClient, type CatalogClient } from './clients/catalog.js';
export { handleShipmentEvent, SHIPMENTS_CONSUMER, type InventoryConsumers } from './consumers.js';
