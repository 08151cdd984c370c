import type { PeerEnv } from './peer-env.js';

/** A gateway the bench compares: how to start it as one process on the shared subgraphs. */
export interface PeerDefinition {
  id: string;
  label: string;
  /** the entry module, from the project root */
  entry: string;
  /**
   * how the peer deduplicates identical subgraph fetches in flight; null when it has no such
   * setting, and both runs measure the same configuration
   */
  dedupSetting: string | null;
  /** why the bench does not measure federated subscriptions through it; null when it does */
  subscriptionsNotMeasured: string | null;
  /** variables of its own, besides the BENCH_* ones every peer gets */
  env(peer: PeerEnv): Record<string, string>;
}

const bench = (file: string) => `bench/src/peers/${file}`;

// one Hive Gateway is enough for live tracking: a subscription is planned once, when it
// starts, and what each event costs is the transport and the entity fetches, not the planner
const HIVE_SUBSCRIPTIONS_ONCE =
  'measured through hive-rust: the same gateway and WebSocket transport, and the planner works only once per subscription';

export const PEERS: PeerDefinition[] = [
  {
    id: 'ours',
    label: 'ordergraph router',
    entry: 'router/src/index.ts',
    dedupSetting: 'ROUTER_DEDUP_INFLIGHT',
    subscriptionsNotMeasured: null,
    env: (peer) => ({
      HOST: '127.0.0.1',
      PORT: String(peer.port),
      SUPERGRAPH_PATH: peer.supergraphPath,
      AUTH_JWT_SECRET: peer.jwtSecret,
      ROUTER_SIGNING_SECRET: peer.signingSecret,
      // the load generator is one caller at one address: a bucket it never empties keeps the
      // rate limiter on the request path without refusing the benchmark's own traffic
      ROUTER_RATE_LIMIT_CAPACITY: '1000000000',
      ROUTER_RATE_LIMIT_REFILL_PER_SECOND: '1000000000',
      ROUTER_DEDUP_INFLIGHT: String(peer.dedup),
      ...Object.fromEntries(
        Object.entries(peer.subgraphUrls).map(([name, url]) => [`${name.toUpperCase()}_URL`, url]),
      ),
    }),
  },
  {
    id: 'apollo-gateway',
    label: '@apollo/gateway + @apollo/server',
    entry: bench('apollo-gateway.ts'),
    // RemoteGraphQLDataSource never deduplicates
    dedupSetting: null,
    subscriptionsNotMeasured:
      '@apollo/gateway cannot execute subscriptions ("Execution of subscriptions not supported by gateway")',
    env: () => ({}),
  },
  {
    id: 'hive-js',
    label: 'Hive Gateway (JS planner)',
    entry: bench('hive-gateway.ts'),
    dedupSetting: 'HTTP transport deduplicateInflightRequests',
    subscriptionsNotMeasured: HIVE_SUBSCRIPTIONS_ONCE,
    env: () => ({ BENCH_PLANNER: 'js' }),
  },
  {
    id: 'hive-rust',
    label: 'Hive Gateway (Rust planner)',
    entry: bench('hive-gateway.ts'),
    dedupSetting: 'HTTP transport deduplicateInflightRequests',
    // graphql-ws for its clients and to the subgraphs, with the signed identities
    subscriptionsNotMeasured: null,
    env: () => ({ BENCH_PLANNER: 'rust' }),
  },
];
