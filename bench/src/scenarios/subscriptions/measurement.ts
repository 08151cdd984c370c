import type { SubscriptionSettings } from '../../settings.js';
import type { Percentiles } from '../../load/verify.js';

/** One run of live order tracking on one router: the Subscriptions table of the results. */
export interface SubscriptionMeasurement {
  peer: string;
  settings: SubscriptionSettings;
  /** successful scans, and scans that failed */
  changes: number;
  changeFailures: number;
  /** how long the scans took to send, in seconds */
  changeSeconds: number;
  /** after the last scan's response, until the orders service had applied every scan; null if it never did */
  consumerDrainSeconds: number | null;
  /** subscriptions the router counted once all handshakes were done */
  subscribed: number;
  /** from the first connection attempt until the router counted every subscription */
  subscribeSeconds: number;
  deliveryMs: Percentiles;
  afterResponseMs: Percentiles;
  /** from the order's timeline entry to the client: the subscription path alone */
  fromTimelineMs: Percentiles;
  mutationMs: Percentiles;
  expectedDeliveries: number;
  received: number;
  lost: number;
  /** failed connections or streams, wrong or unmatched updates, failed scans */
  errors: number;
  routerRssBeforeMb: number;
  routerRssAfterMb: number;
  /** router RSS growth per connection, in KB (1,024 bytes) */
  kbPerConnection: number;
  /** the router's CPU time from the first handshake until it counted every subscription */
  routerCpuMsPerConnection: number;
  /** the router's CPU while the scans went on: 100 = one core */
  routerCpuPercent: number;
  /** the router's CPU time per update delivered */
  routerCpuMsPerDelivery: number;
  /** from the router's /metrics; null when it has no such series */
  router: {
    upstreamOpened: number;
    shared: number;
    upstreamActive: number;
    /** upstream events while the scans went on */
    events: number;
    /** entity fetches per upstream event, by subgraph */
    fetchesPerEvent: Record<string, number>;
  } | null;
  /**
   * graphql-ws subscriptions the gateway held open on the subgraphs once all had subscribed,
   * by the subgraphs' own count: what sharing upstream subscriptions saves, for every peer
   */
  subgraphSubscriptions: number;
  /** requests the subgraphs got from the router per upstream event (their own counters) */
  subgraphFetchesPerEvent: number;
  /** calls between subgraphs (the orders service reading the shipments feed) per scan */
  serviceCallsPerChange: number;
  /** SQL statements of all five subgraphs per scan */
  sqlPerChange: number;
  /**
   * the five subgraphs' CPU time per scan, from the first scan until the services were quiet:
   * the scan itself, the consumers' work for it, the entity fetches of its updates
   */
  subgraphCpuMsPerChange: number;
  /** PostgreSQL's per scan, its processes serving the bench databases; null: not readable */
  postgresCpuMsPerChange: number | null;
  /** PostgreSQL's postmaster and background processes (WAL writer, checkpointer...) per scan */
  postgresBackgroundCpuMsPerChange: number | null;
  /** the connections were all closed afterwards, as the router (if it can say) and the subgraphs counted them */
  closedCleanly: boolean | null;
  problem: string | null;
}

/** Issue 4's goals on a 2-core machine, and issue 21's for the scan's write path. */
export const GOALS = {
  p99Ms: 250,
  kbPerConnection: 40,
  upstreamPerOrder: 1,
  fetchesPerSubgraphPerEvent: 1,
  serviceCallsPerScan: 1,
  sqlPerScan: 12,
  /** summed over the subgraphs and PostgreSQL */
  cpuMsPerScan: 6,
} as const;
