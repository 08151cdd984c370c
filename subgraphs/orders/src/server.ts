import { fileURLToPath } from 'node:url';
import {
  createSubgraphServer,
  loadTypeDefs,
  type DatabaseHandle,
  type Logger,
  type SubgraphServer,
} from '@ordergraph/shared';
import { createCatalogClient } from './clients/catalog.js';
import { createInventoryClient } from './clients/inventory.js';
import { createContext, type Context } from './context.js';
import type { ClaimTiming } from './order-requests.js';
import type { PaymentProvider } from './payments/payment-provider.js';
import { createTestPaymentProvider } from './payments/test-provider.js';
import { createOrderPlacement } from './place-order.js';
import { resolvers } from './resolvers/index.js';

export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

/** The drizzle-kit migrations of this service, applied when its database opens. */
export const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url));

/** The orders subgraph over an open database, not yet listening. */
export function createServer({
  handle,
  signingSecret,
  log,
  production = false,
  catalogUrl = 'http://127.0.0.1:4002/graphql',
  inventoryUrl = 'http://127.0.0.1:4004/graphql',
  payments = createTestPaymentProvider(),
  claimTiming,
}: {
  handle: DatabaseHandle;
  signingSecret: string;
  log: Logger;
  production?: boolean;
  /** the catalog subgraph, which prices orders and redeems promo codes */
  catalogUrl?: string;
  /** the inventory subgraph, which reserves stock */
  inventoryUrl?: string;
  /** the payment service provider; the built-in test provider unless another is given */
  payments?: PaymentProvider;
  /** how placeOrder waits for a twin request with the same idempotency key */
  claimTiming?: ClaimTiming;
}): Promise<SubgraphServer> {
  const placement = createOrderPlacement({
    db: handle.db,
    catalog: createCatalogClient({ url: catalogUrl, signingSecret }),
    inventory: createInventoryClient({ url: inventoryUrl, signingSecret }),
    payments,
    log,
    timing: claimTiming,
  });
  return createSubgraphServer<Context>({
    name: 'orders',
    typeDefs,
    resolvers,
    signingSecret,
    log,
    production,
    isReady: handle.ping,
    createContext: (base) => createContext({ ...base, db: handle.db, placement }),
  });
}
