import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { SubscriptionService } from './subscriptions/service.js';

/**
 * The router's Prometheus registry: one per router (tests run several in one process), read
 * at scrape time from the live state rather than updated on every event.
 */
export function createRouterMetrics({
  subscriptionStats,
  subgraphHealth,
}: {
  subscriptionStats: () => ReturnType<SubscriptionService['stats']> & { sockets: number };
  /** each subgraph's /ready, asked at scrape time */
  subgraphHealth: () => Promise<Record<string, boolean>>;
}): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'ordergraph_router_' });
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  // 1 per process: under ROUTER_WORKERS the scrape's sum says how many workers it covers
  gauge(
    'ordergraph_router_processes',
    'Router processes whose figures this scrape holds.',
    () => 1,
  );
  gauge(
    'ordergraph_subscription_clients',
    'Live client subscriptions.',
    () => subscriptionStats().clients,
  );
  gauge(
    'ordergraph_subscription_shared',
    'Shared subscriptions: distinct operation, variables and identity.',
    () => subscriptionStats().sharedSubscriptions,
  );
  gauge(
    'ordergraph_subscription_upstream_active',
    'Subscriptions open to subgraphs.',
    () => subscriptionStats().upstreamActive,
  );
  gauge(
    'ordergraph_websocket_connections',
    'Open WebSocket connections.',
    () => subscriptionStats().sockets,
  );
  // counters that only ever grow, read from totals kept by the subscription service
  const total = (name: string, help: string, read: () => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  total(
    'ordergraph_subscription_upstream_opened_total',
    'Subscriptions opened to subgraphs.',
    () => subscriptionStats().upstreamOpened,
  );
  total(
    'ordergraph_subscription_events_total',
    'Events received from subgraph subscriptions.',
    () => subscriptionStats().events,
  );
  new Counter({
    name: 'ordergraph_subscription_event_fetches_total',
    help: 'Entity fetches to subgraphs made to complete subscription events.',
    labelNames: ['subgraph'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [subgraph, count] of Object.entries(subscriptionStats().entityFetches)) {
        this.labels(subgraph).inc(count);
      }
    },
  });
  new Gauge({
    name: 'ordergraph_router_subgraph_up',
    help: 'Whether the subgraph answers its /ready (1) or not (0), as this router sees it.',
    labelNames: ['subgraph'],
    registers: [registry],
    // under ROUTER_WORKERS: up only when every worker reaches it
    aggregator: 'min',
    async collect() {
      for (const [subgraph, up] of Object.entries(await subgraphHealth())) {
        this.labels(subgraph).set(up ? 1 : 0);
      }
    },
  });
  return registry;
}
