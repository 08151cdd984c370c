import { readSubgraphConfig } from '@ordergraph/shared';

/** The catalog service's settings, read once from the environment. */
export const loadConfig = (env: NodeJS.ProcessEnv = process.env) =>
  readSubgraphConfig({ name: 'catalog', defaultPort: 4002, env });
