import type { Subgraph } from '../../data/seed.js';
import { readCounters } from '../../services/counters.js';
import { readRouterMetrics, type RouterSubscriptionMetrics } from './router-metrics.js';
import type { OpenReply } from './subscriber-protocol.js';
import type { Subscribers } from './subscribers.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until the router counts `target` more client subscriptions than at `base`, or the
 * handshakes are over and the count has stopped growing. Resolves to the count and when it
 * was last reached (performance.now()). Without router metrics, the handshakes' end counts.
 */
export async function waitForSubscribed({
  url,
  base,
  target,
  opening,
  quietMs = 3_000,
  timeoutMs = 180_000,
}: {
  url: string;
  base: RouterSubscriptionMetrics | null;
  target: number;
  opening: Promise<OpenReply>;
  quietMs?: number;
  timeoutMs?: number;
}): Promise<{ count: number; at: number }> {
  if (!base) {
    const reply = await opening;
    return { count: reply.connected, at: performance.now() };
  }
  let openedAt: number | null = null;
  void opening.then(
    () => (openedAt = performance.now()),
    () => (openedAt = performance.now()),
  );
  const deadline = performance.now() + timeoutMs;
  let count = 0;
  let at = performance.now();
  for (;;) {
    const now = await readRouterMetrics(url);
    const seen = now ? now.clients - base.clients : count;
    if (seen > count) {
      count = seen;
      at = performance.now();
    }
    if (count >= target) return { count, at };
    const quietSince = Math.max(at, openedAt ?? Infinity);
    if (performance.now() - quietSince > quietMs || performance.now() > deadline) {
      return { count, at };
    }
    // each scrape costs the router a little CPU, counted in its connect cost
    await sleep(100);
  }
}

/** Polls one figure of the router's metrics until `until` holds; false on timeout. */
export async function waitForRouterCount({
  url,
  read,
  until,
  timeoutMs = 15_000,
}: {
  url: string;
  read: (metrics: RouterSubscriptionMetrics) => number;
  until: (value: number) => boolean;
  timeoutMs?: number;
}): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const metrics = await readRouterMetrics(url);
    if (metrics && until(read(metrics))) return true;
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
}

/**
 * Waits until the subscribers hold `expected` updates, or none has come for `quietMs`: what
 * is still missing then is lost.
 */
export async function waitForDeliveries({
  subscribers,
  expected,
  quietMs = 5_000,
  timeoutMs = 60_000,
}: {
  subscribers: Subscribers;
  expected: number;
  quietMs?: number;
  timeoutMs?: number;
}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  let changedAt = Date.now();
  for (;;) {
    const { received } = await subscribers.progress();
    if (received >= expected) return;
    if (received !== last) {
      last = received;
      changedAt = Date.now();
    }
    if (Date.now() - changedAt > quietMs || Date.now() > deadline) return;
    await sleep(200);
  }
}

/**
 * Waits until the subgraphs hold at least `atLeast` more graphql-ws subscriptions than `base`
 * (their own count, whatever the gateway) and the number has stopped changing for `quietMs`:
 * the gateway has opened every upstream subscription it is going to. Resolves to how many it
 * added. For gateways without subscription metrics, this is what says they are all open.
 */
export async function waitForSubgraphSubscriptions({
  subgraphUrls,
  base,
  atLeast,
  quietMs = 1_000,
  timeoutMs = 120_000,
}: {
  subgraphUrls: Record<Subgraph, string>;
  base: number;
  atLeast: number;
  quietMs?: number;
  timeoutMs?: number;
}): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  let changedAt = Date.now();
  for (;;) {
    const added = (await readCounters(subgraphUrls)).subscriptionsActive - base;
    if (added !== last) {
      last = added;
      changedAt = Date.now();
    }
    const quiet = Date.now() - changedAt >= quietMs;
    if ((added >= atLeast && quiet) || Date.now() > deadline) return added;
    await sleep(200);
  }
}

/** Waits until the subgraphs hold no more subscriptions than `base`; false on timeout. */
export async function waitForSubgraphSubscriptionsClosed({
  subgraphUrls,
  base,
  timeoutMs = 15_000,
}: {
  subgraphUrls: Record<Subgraph, string>;
  base: number;
  timeoutMs?: number;
}): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await readCounters(subgraphUrls)).subscriptionsActive <= base) return true;
    if (Date.now() > deadline) return false;
    await sleep(200);
  }
}
