import type { Scale } from './data/model.js';

/** How long and how hard each measurement runs. */
export interface Settings {
  mode: 'full' | 'quick';
  scale: Scale;
  /** concurrent connections, one measurement each */
  connections: number[];
  /** before each operation is measured on a peer */
  warmupSeconds: number;
  /**
   * before the first peer is measured, every operation is sent through it for this long: the
   * subgraphs, shared by all peers, keep getting cheaper for a minute or more after they start
   * (JIT, heap sizing, the database's caches), which would otherwise count against whichever
   * peer runs first
   */
  subgraphWarmupSeconds: number;
  /** measured time per peer, operation and level of concurrency, split into `rounds` slices */
  durationSeconds: number;
  /**
   * the peers take turns, one slice each per round, each round starting one peer further on:
   * the machine is shared and its speed drifts over minutes, which one stretch per peer would
   * charge to whichever peer ran at the time
   */
  rounds: number;
  /** in-flight deduplication settings to run, one complete run each */
  dedup: boolean[];
  subscriptions: SubscriptionSettings;
}

/** The live order tracking load: subscribers spread over orders, while some of them change. */
export interface SubscriptionSettings {
  /** graphql-ws connections, one subscription each */
  connections: number;
  /** orders they follow, the same number of subscribers each */
  orders: number;
  /** carrier tracking scans per second, round robin over the orders */
  changesPerSecond: number;
  /** how long the scans go on */
  durationSeconds: number;
  /** load-generator processes the connections are split over */
  workers: number;
}

export const FULL: Settings = {
  mode: 'full',
  scale: { customers: 10_000, variants: 2_000, orders: 100_000 },
  connections: [1, 10, 50],
  warmupSeconds: 5,
  subgraphWarmupSeconds: 30,
  durationSeconds: 12,
  rounds: 4,
  dedup: [false, true],
  subscriptions: {
    connections: 10_000,
    orders: 1_000,
    changesPerSecond: 100,
    durationSeconds: 60,
    workers: 2,
  },
};

// the same data as the full run (seeding it once takes well under a minute), less load
export const QUICK: Settings = {
  ...FULL,
  mode: 'quick',
  connections: [1, 10],
  warmupSeconds: 1,
  subgraphWarmupSeconds: 5,
  durationSeconds: 2,
  // a check: one slice per peer, all peers in turn
  rounds: 1,
  dedup: [false],
  // each order changes every 10 s, as in the full run: the same stream, a tenth of it
  subscriptions: {
    connections: 1_000,
    orders: 100,
    changesPerSecond: 10,
    durationSeconds: 10,
    workers: 2,
  },
};

/** the PostgreSQL server holding the bench databases; only 127.0.0.1 is used */
export const POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
export const DATABASE_PREFIX = 'bench_';

// fixed secrets: the services run with NODE_ENV=production, which requires them
export const JWT_SECRET = 'ordergraph-bench-jwt-secret';
export const SIGNING_SECRET = 'ordergraph-bench-signing-secret';

/** the log level of every service: warnings only, so no peer pays for per-request logging */
export const LOG_LEVEL = 'warn';

// variables of the ordergraph services that the bench sets itself, never inherits
const OWN_VARIABLES =
  /^(NODE_ENV|LOG_LEVEL|PORT|HOST|DATA_DIR|DATABASE_URL|\w+_DATABASE_URL|\w+_URL|AUTH_JWT_\w+|ROUTER_SIGNING_SECRET|SUPERGRAPH_PATH|SEED_DEMO_DATA|SMTP_\w+)$/;

/**
 * What keeps every service and peer the bench starts on this machine: the plain gateway's usage
 * telemetry and its cloud-metadata probes (read by @apollo/gateway's constructor), OpenTelemetry
 * auto-setup in Hive Gateway, and any tool honouring DO_NOT_TRACK. Hive Gateway reports usage
 * only when given a `reporting` option, which the peer does not set.
 */
export const NOTHING_LEAVES_THE_MACHINE = {
  APOLLO_TELEMETRY_DISABLED: 'true',
  OTEL_SDK_DISABLED: 'true',
  DO_NOT_TRACK: '1',
} as const;

/** The environment of a service process: the caller's, without ordergraph settings, plus `extra`. */
export function serviceEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(([name]) => !OWN_VARIABLES.test(name));
  return {
    ...Object.fromEntries(inherited),
    NODE_ENV: 'production',
    LOG_LEVEL,
    ...NOTHING_LEAVES_THE_MACHINE,
    ...extra,
  };
}
