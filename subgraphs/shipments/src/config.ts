import { z } from 'zod';
import { readSubgraphConfig } from '@ordergraph/shared';

/** The shipments service's settings, read once from the environment. */
export const loadConfig = (env: NodeJS.ProcessEnv = process.env) =>
  readSubgraphConfig({
    name: 'shipments',
    env,
    defaultPort: 4005,
    extra: {
      // the orders service, whose placed orders become shipments
      ORDERS_URL: z.url().default('http://127.0.0.1:4003/graphql'),
    },
  });
