import { signToken } from '../../../../router/src/auth.js';
import { startPostgresCpuSampling } from '../../measure/postgres-cpu.js';
import { cpuSeconds, rssBytes, startProcessSampling } from '../../measure/process-stats.js';
import { difference, readCounters, readCountersWhenQuiet } from '../../services/counters.js';
import { DATABASE_PREFIX, JWT_SECRET, POSTGRES_URL } from '../../settings.js';
import type { ScenarioContext } from '../scenario.js';
import { nextScanStatus, sendScans } from './carrier-scans.js';
import { computeFigures } from './figures.js';
import type { SubscriptionMeasurement } from './measurement.js';
import { TRACK_ORDER } from './operations.js';
import { readRouterMetrics } from './router-metrics.js';
import { readShipmentStates, waitForOrdersConsumer } from './shipment-states.js';
import type { FollowedOrder } from './subscriber-protocol.js';
import { startSubscribers } from './subscribers.js';
import type { TrackedOrder } from './tracked-orders.js';
import {
  waitForDeliveries,
  waitForRouterCount,
  waitForSubgraphSubscriptions,
  waitForSubgraphSubscriptionsClosed,
  waitForSubscribed,
} from './waits.js';

// handshakes in flight at once, over all subscriber processes
const HANDSHAKE_CONCURRENCY = 100;
// after the router counts every subscription, the subgraph registers the upstream ones: an
// update committed before that would not be sent (there is no cursor yet to resume from)
const SETTLE_MS = 2_000;
// how long the orders service may take to apply the scans after the last one was sent: past
// its pace they queue, and what it has not applied by then is reported as lost
const drainTimeoutMs = (durationSeconds: number) => Math.max(180, 5 * durationSeconds) * 1000;

/**
 * Live order tracking on one router: every connection subscribes to its order with the full
 * cross-subgraph selection, then the carrier scans the orders' shipments at a steady rate;
 * every update is checked, matched with its scan and timed.
 */
export async function measureSubscriptions(
  context: ScenarioContext,
  { tracked, followed }: { tracked: TrackedOrder[]; followed: FollowedOrder[] },
): Promise<SubscriptionMeasurement> {
  const { peer, settings, databaseUrls, subgraphUrls, log } = context;
  const size = settings.subscriptions;

  const states = await readShipmentStates(
    databaseUrls.shipments,
    tracked.map((order) => order.shipmentId),
  );
  const stuck = tracked.find((o) => !nextScanStatus(states.get(o.shipmentId)?.status ?? ''));
  if (stuck) {
    throw new Error(
      `shipment ${stuck.shipmentId} is ${states.get(stuck.shipmentId)?.status ?? 'missing'}, ` +
        'outside the scan cycle: the bench databases were changed (drop them to reseed)',
    );
  }
  // a timeline entry still on its way from an earlier run would pass for one of this run's
  if (!(await waitForOrdersConsumer({ databaseUrls }))) {
    throw new Error('the orders service did not catch up with the shipments feed');
  }
  const carrierCodes = new Set(tracked.map((order) => order.carrierCode));
  if (carrierCodes.size !== 1) throw new Error('the tracked orders must share one carrier');
  const carrierCode = [...carrierCodes][0]!;
  const carrierToken = await signToken({
    secret: JWT_SECRET,
    subject: `carrier-${carrierCode}`,
    roles: ['carrier'],
    carrierCode,
    expiresIn: '1h',
  });

  const base = await readRouterMetrics(peer.url);
  if (!base) log('  the router has no subscription metrics: those figures are left out');
  const rssBefore = rssBytes(peer.pid);
  const subgraphSubscriptionsBase = (await readCounters(subgraphUrls)).subscriptionsActive;
  const subscribers = startSubscribers(size.workers);
  let figures: SubscriptionMeasurement;
  try {
    const connectCpuBefore = cpuSeconds(peer.pid);
    const started = performance.now();
    const opening = subscribers.open({
      url: peer.url.replace(/^http/, 'ws'),
      query: TRACK_ORDER,
      orders: followed,
      connections: size.connections,
      concurrency: HANDSHAKE_CONCURRENCY,
    });
    const subscribed = await waitForSubscribed({
      url: peer.url,
      base,
      target: size.connections,
      opening,
    });
    const connectCpuSeconds = cpuSeconds(peer.pid) - connectCpuBefore;
    const { connected } = await opening;
    if (base) {
      await waitForRouterCount({
        url: peer.url,
        read: (m) => m.upstreamActive - base.upstreamActive,
        until: (n) => n >= size.orders,
      });
    }
    // what the subgraphs hold: one per order for a gateway that shares them, at most one per
    // connection for one that does not; all of them open before the first scan
    const subgraphSubscriptions = await waitForSubgraphSubscriptions({
      subgraphUrls,
      base: subgraphSubscriptionsBase,
      atLeast: size.orders,
    });
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const rssAfter = rssBytes(peer.pid);

    const atSubscribed = await readRouterMetrics(peer.url);
    const countersBefore = await readCountersWhenQuiet(subgraphUrls);
    const cpuBefore = cpuSeconds(peer.pid);
    const subgraphSampling = context.subgraphPids.map((pid) => startProcessSampling(pid));
    const postgresSampling = await startPostgresCpuSampling({
      url: POSTGRES_URL,
      databasePrefix: DATABASE_PREFIX,
    });
    const scanStarted = performance.now();
    const { scans, firstFailure } = await sendScans({
      url: peer.url,
      carrierToken,
      orders: tracked,
      states,
      changesPerSecond: size.changesPerSecond,
      durationSeconds: size.durationSeconds,
      // per peer: every peer's scans go to the same shipments, so a key shared between peers
      // would be refused as one already used with a different input
      keyPrefix: `${context.runTag}-${peer.id}-${peer.dedup ? 'd' : 'n'}-scan`,
    });
    const scansEnded = performance.now();
    const changeSeconds = (scansEnded - scanStarted) / 1000;
    // the orders service applies the scans one after another: past its pace, they queue
    const consumerCaughtUp = await waitForOrdersConsumer({
      databaseUrls,
      timeoutMs: drainTimeoutMs(size.durationSeconds),
    });
    const consumerDrainSeconds = consumerCaughtUp ? (performance.now() - scansEnded) / 1000 : null;
    // connection n follows order n mod orders
    const followers = (orderIndex: number) =>
      Math.floor(size.connections / tracked.length) +
      (orderIndex < size.connections % tracked.length ? 1 : 0);
    const expected = scans
      .filter((scan) => scan.ok)
      .reduce((sum, scan) => sum + followers(scan.orderIndex), 0);
    await waitForDeliveries({ subscribers, expected });
    const cpuUsed = cpuSeconds(peer.pid) - cpuBefore;
    const wallSeconds = (performance.now() - scanStarted) / 1000;
    const counters = difference(await readCountersWhenQuiet(subgraphUrls), countersBefore);
    // the services' and the database's work for the scans, the consumers' included
    const subgraphCpuSeconds = subgraphSampling.reduce(
      (sum, subgraph) => sum + subgraph.finish().cpuSeconds,
      0,
    );
    const postgresCpu = (await postgresSampling?.finish()) ?? null;

    figures = computeFigures({
      peer: peer.id,
      size,
      metrics: { base, subscribed: atSubscribed, end: await readRouterMetrics(peer.url) },
      subscribed: subscribed.count,
      subscribeSeconds: (subscribed.at - started) / 1000,
      acknowledged: connected,
      rssBefore,
      rssAfter,
      connectCpuSeconds,
      scans,
      scanFailure: firstFailure,
      changeSeconds,
      consumerDrainSeconds,
      cpuSeconds: cpuUsed,
      wallSeconds,
      counters,
      subgraphCpuSeconds,
      postgresCpu,
      subgraphSubscriptions,
      collected: await subscribers.collect(),
    });
  } finally {
    await subscribers.close();
  }
  // every client subscription and upstream one ends with its connections: as the router
  // counts them when it has metrics, and as the subgraphs count theirs in any case
  const routerClosed = base
    ? await waitForRouterCount({
        url: peer.url,
        read: (m) => m.clients - base.clients + (m.upstreamActive - base.upstreamActive),
        until: (n) => n === 0,
      })
    : true;
  const subgraphsClosed = await waitForSubgraphSubscriptionsClosed({
    subgraphUrls,
    base: subgraphSubscriptionsBase,
  });
  figures.closedCleanly = routerClosed && subgraphsClosed;
  return figures;
}
