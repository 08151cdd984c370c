import type { Subgraph } from '../data/seed.js';
import { SUBGRAPHS } from '../data/seed.js';
import { COUNTERS_PATH, type SubgraphCounters } from './probe-protocol.js';

export type CounterSnapshot = SubgraphCounters;

/** The counters of all five subgraphs, summed. */
export async function readCounters(urls: Record<Subgraph, string>): Promise<CounterSnapshot> {
  const all = await Promise.all(
    SUBGRAPHS.map(async (name) => {
      const response = await fetch(new URL(COUNTERS_PATH, urls[name]));
      return (await response.json()) as SubgraphCounters;
    }),
  );
  return all.reduce(
    (sum, one) => ({
      gatewayFetches: sum.gatewayFetches + one.gatewayFetches,
      serviceFetches: sum.serviceFetches + one.serviceFetches,
      statements: sum.statements + one.statements,
      subscriptionsActive: sum.subscriptionsActive + one.subscriptionsActive,
    }),
    { gatewayFetches: 0, serviceFetches: 0, statements: 0, subscriptionsActive: 0 },
  );
}

export const difference = (after: CounterSnapshot, before: CounterSnapshot): CounterSnapshot => ({
  gatewayFetches: after.gatewayFetches - before.gatewayFetches,
  serviceFetches: after.serviceFetches - before.serviceFetches,
  statements: after.statements - before.statements,
  subscriptionsActive: after.subscriptionsActive - before.subscriptionsActive,
});

/**
 * The counters once the gateway's fetches and the SQL have stopped changing for a while: the
 * requests a load generator abandoned at its end still run to completion in the peer, and the
 * event consumers work through what the load wrote (orders placed are fulfilled, shipped...).
 * That work is charged to the load that caused it, never to the next measurement. Quiet means
 * `quietPolls` polls in a row without a change (consumers pause between batches).
 */
export async function readCountersWhenQuiet(
  urls: Record<Subgraph, string>,
  { intervalMs = 150, quietPolls = 3, timeoutMs = 30_000 } = {},
): Promise<CounterSnapshot> {
  const deadline = Date.now() + timeoutMs;
  let last = await readCounters(urls);
  let unchanged = 0;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    const now = await readCounters(urls);
    const quiet = now.gatewayFetches === last.gatewayFetches && now.statements === last.statements;
    unchanged = quiet ? unchanged + 1 : 0;
    if (unchanged >= quietPolls || Date.now() > deadline) return now;
    last = now;
  }
}
