import { z } from 'zod';
import { readSubgraphConfig } from '@ordergraph/shared';

/** The inventory service's settings, read once from the environment. */
export const loadConfig = (env: NodeJS.ProcessEnv = process.env) =>
  readSubgraphConfig({
    name: 'inventory',
    env,
    defaultPort: 4004,
    extra: {
      CATALOG_URL: z.url().default('http://127.0.0.1:4002/graphql'),
      SHIPMENTS_URL: z.url().default('http://127.0.0.1:4005/graphql'),
      // how long a reservation may wait for its order before the inventory releases it
      RESERVATION_TTL_MS: z.coerce
        .number()
        .int()
        .min(1_000)
        .max(7 * 24 * 3_600_000)
        .default(15 * 60_000),
      // how far beyond the ordered units a purchase order line may be received, in percent
      PURCHASE_OVER_RECEIPT_TOLERANCE_PERCENT: z.coerce.number().int().min(0).max(100).default(0),
    },
  });
