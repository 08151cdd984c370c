import { readSubgraphConfig } from '@ordergraph/shared';

/** The customers service's settings, read once from the environment. */
export const loadConfig = () => readSubgraphConfig({ name: 'customers', defaultPort: 4001 });
