import { readSubgraphConfig } from '@ordergraph/shared';

/** The shipments service's settings, read once from the environment. */
export const loadConfig = () => readSubgraphConfig({ name: 'shipments', defaultPort: 4005 });
