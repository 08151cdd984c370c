import type { PostgresCpu } from '../../measure/postgres-cpu.js';
import type { CounterSnapshot } from '../../services/counters.js';
import type { SubscriptionSettings } from '../../settings.js';
import type { ScanRecord } from './carrier-scans.js';
import { matchDeliveries } from './deliveries.js';
import type { SubscriptionMeasurement } from './measurement.js';
import { metricsDifference, type RouterSubscriptionMetrics } from './router-metrics.js';
import type { CollectReply } from './subscriber-protocol.js';

/** What a run observed, raw: the figures are computed from it in one place. */
export interface Observed {
  peer: string;
  size: SubscriptionSettings;
  /** the router's metrics at the start, once all had subscribed, and after the last update */
  metrics: {
    base: RouterSubscriptionMetrics | null;
    subscribed: RouterSubscriptionMetrics | null;
    end: RouterSubscriptionMetrics | null;
  };
  subscribed: number;
  subscribeSeconds: number;
  acknowledged: number;
  rssBefore: number;
  rssAfter: number;
  /** the router's CPU time while the connections opened and subscribed */
  connectCpuSeconds: number;
  scans: ScanRecord[];
  scanFailure: string | null;
  changeSeconds: number;
  /** seconds after the last scan until the orders service had applied them all; null: never */
  consumerDrainSeconds: number | null;
  /** the router's CPU time while the scans went on and their updates arrived, and that time */
  cpuSeconds: number;
  wallSeconds: number;
  /** the subgraphs' counters over the same time */
  counters: CounterSnapshot;
  /** the five subgraphs' CPU time over the same time, until their counters were quiet */
  subgraphCpuSeconds: number;
  /** PostgreSQL's over the same time; null where /proc cannot show its processes */
  postgresCpu: PostgresCpu | null;
  /** the graphql-ws subscriptions the gateway opened on the subgraphs, by their own count */
  subgraphSubscriptions: number;
  collected: CollectReply;
}

const MB = 2 ** 20;
const per = (count: number, of: number) => (of > 0 ? count / of : 0);

/** The figures of a run, and the errors counted in it. */
export function computeFigures(observed: Observed): SubscriptionMeasurement {
  const { size, scans, metrics, collected, counters } = observed;
  const delivered = matchDeliveries(scans, collected.followers);
  const changes = scans.filter((scan) => scan.ok).length;
  const opening =
    metrics.base && metrics.subscribed ? metricsDifference(metrics.subscribed, metrics.base) : null;
  const during =
    metrics.subscribed && metrics.end ? metricsDifference(metrics.end, metrics.subscribed) : null;
  const events = during?.events ?? changes;
  const { problems } = collected;
  const failedConnections = Math.max(
    problems.failedStreams,
    size.connections - observed.acknowledged,
  );
  const problem =
    problems.first ??
    observed.scanFailure ??
    (delivered.mismatched ? `${delivered.mismatched} updates did not match their scan` : null) ??
    (observed.consumerDrainSeconds === null
      ? 'the orders service had not applied every scan when the wait ended'
      : null) ??
    (delivered.lost ? `${delivered.lost} updates never arrived` : null);
  return {
    peer: observed.peer,
    settings: size,
    changes,
    changeFailures: scans.length - changes,
    changeSeconds: observed.changeSeconds,
    consumerDrainSeconds: observed.consumerDrainSeconds,
    subscribed: observed.subscribed,
    subscribeSeconds: observed.subscribeSeconds,
    deliveryMs: delivered.fromSend,
    afterResponseMs: delivered.fromResponse,
    fromTimelineMs: delivered.fromTimeline,
    mutationMs: delivered.mutation,
    expectedDeliveries: delivered.expected,
    received: delivered.received,
    lost: delivered.lost,
    errors:
      failedConnections + problems.wrongUpdates + delivered.mismatched + (scans.length - changes),
    routerRssBeforeMb: observed.rssBefore / MB,
    routerRssAfterMb: observed.rssAfter / MB,
    kbPerConnection: per((observed.rssAfter - observed.rssBefore) / 1024, size.connections),
    routerCpuMsPerConnection: per(observed.connectCpuSeconds * 1000, observed.subscribed),
    routerCpuPercent: per(observed.cpuSeconds * 100, observed.wallSeconds),
    routerCpuMsPerDelivery: per(observed.cpuSeconds * 1000, delivered.received),
    router:
      opening && during
        ? {
            upstreamOpened: opening.upstreamOpened + during.upstreamOpened,
            shared: opening.shared,
            upstreamActive: opening.upstreamActive,
            events: during.events,
            fetchesPerEvent: Object.fromEntries(
              Object.entries(during.eventFetches).map(([name, n]) => [name, per(n, events)]),
            ),
          }
        : null,
    // every scan is one request of the router to the shipments service; the rest is events
    subgraphFetchesPerEvent: per(counters.gatewayFetches - scans.length, events),
    serviceCallsPerChange: per(counters.serviceFetches, changes),
    sqlPerChange: per(counters.statements, changes),
    subgraphSubscriptions: observed.subgraphSubscriptions,
    subgraphCpuMsPerChange: per(observed.subgraphCpuSeconds * 1000, changes),
    postgresCpuMsPerChange: observed.postgresCpu
      ? per(observed.postgresCpu.backends * 1000, changes)
      : null,
    postgresBackgroundCpuMsPerChange: observed.postgresCpu
      ? per(observed.postgresCpu.background * 1000, changes)
      : null,
    closedCleanly: null,
    problem,
  };
}
