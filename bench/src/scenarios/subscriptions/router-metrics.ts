/** The router's subscription series, as its Prometheus endpoint (GET /metrics) reports them. */
export interface RouterSubscriptionMetrics {
  /** live client subscriptions */
  clients: number;
  /** shared subscriptions: distinct operation, variables and identity */
  shared: number;
  /** subscriptions open to subgraphs now */
  upstreamActive: number;
  /** subscriptions opened to subgraphs so far */
  upstreamOpened: number;
  /** events received from subgraph subscriptions so far */
  events: number;
  /** entity fetches made to complete those events so far, by subgraph */
  eventFetches: Record<string, number>;
}

const SERIES = {
  clients: 'ordergraph_subscription_clients',
  shared: 'ordergraph_subscription_shared',
  upstreamActive: 'ordergraph_subscription_upstream_active',
  upstreamOpened: 'ordergraph_subscription_upstream_opened_total',
  events: 'ordergraph_subscription_events_total',
} as const;
const EVENT_FETCHES = 'ordergraph_subscription_event_fetches_total';

/**
 * Reads the router's subscription series; null when it has no /metrics endpoint or lacks one
 * of them (the figures that need them are then reported as missing, not as zero).
 */
export async function readRouterMetrics(
  graphqlUrl: string,
): Promise<RouterSubscriptionMetrics | null> {
  let text: string;
  try {
    const response = await fetch(new URL('/metrics', graphqlUrl));
    if (!response.ok) return null;
    text = await response.text();
  } catch {
    return null;
  }
  const samples = parseSamples(text);
  const value = (name: string) => samples.find((s) => s.name === name && !s.labels)?.value;
  const read = Object.fromEntries(
    Object.entries(SERIES).map(([key, name]) => [key, value(name)]),
  ) as Record<keyof typeof SERIES, number | undefined>;
  if (Object.values(read).some((v) => v === undefined)) return null;
  const eventFetches: Record<string, number> = {};
  for (const sample of samples) {
    const subgraph = /subgraph="([^"]*)"/.exec(sample.labels ?? '')?.[1];
    if (sample.name === EVENT_FETCHES && subgraph) eventFetches[subgraph] = sample.value;
  }
  return { ...(read as Record<keyof typeof SERIES, number>), eventFetches };
}

/** `after` minus `before`, series by series (the gauges too: what this run added). */
export function metricsDifference(
  after: RouterSubscriptionMetrics,
  before: RouterSubscriptionMetrics,
): RouterSubscriptionMetrics {
  const subgraphs = new Set([
    ...Object.keys(after.eventFetches),
    ...Object.keys(before.eventFetches),
  ]);
  return {
    clients: after.clients - before.clients,
    shared: after.shared - before.shared,
    upstreamActive: after.upstreamActive - before.upstreamActive,
    upstreamOpened: after.upstreamOpened - before.upstreamOpened,
    events: after.events - before.events,
    eventFetches: Object.fromEntries(
      [...subgraphs].map((name) => [
        name,
        (after.eventFetches[name] ?? 0) - (before.eventFetches[name] ?? 0),
      ]),
    ),
  };
}

// the Prometheus text format: `name{labels} value [timestamp]`, comments start with #
function parseSamples(text: string): { name: string; labels: string | null; value: number }[] {
  const samples: { name: string; labels: string | null; value: number }[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line.trim());
    if (!match) continue;
    samples.push({ name: match[1]!, labels: match[2] || null, value: Number(match[3]) });
  }
  return samples;
}
