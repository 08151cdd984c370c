import { z } from 'zod';
import { readSubgraphConfig } from '@ordergraph/shared';

/** The orders service's settings, read once from the environment. */
export const loadConfig = () =>
  readSubgraphConfig({
    name: 'orders',
    defaultPort: 4003,
    extra: {
      CATALOG_URL: z.url().default('http://127.0.0.1:4002/graphql'),
      INVENTORY_URL: z.url().default('http://127.0.0.1:4004/graphql'),
      SHIPMENTS_URL: z.url().default('http://127.0.0.1:4005/graphql'),
      CUSTOMERS_URL: z.url().default('http://127.0.0.1:4001/graphql'),
      RETURN_WINDOW_DAYS: z.coerce.number().int().min(0).max(3650).default(30),
      // after how long untouched a placeOrder attempt counts as abandoned and is recovered;
      // longer than any one call of the saga (service calls time out after 10 s)
      SAGA_RECOVERY_AFTER_MS: z.coerce.number().int().min(500).max(86_400_000).default(30_000),
    },
  });
