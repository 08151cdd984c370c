/** What GET /__bench/counters answers on a subgraph started with the probe. */
export interface SubgraphCounters {
  /** /graphql requests from a gateway (any viewer but a calling service) */
  gatewayFetches: number;
  /** /graphql requests from sibling services (commands, event feeds) */
  serviceFetches: number;
  /** SQL statements, counted where the subgraph's own StatementCounter counts them */
  statements: number;
  /** graphql-ws subscriptions open on the subgraph now (a gauge), from any gateway or service */
  subscriptionsActive: number;
}

export const COUNTERS_PATH = '/__bench/counters';
