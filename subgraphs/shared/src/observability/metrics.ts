import type { ApolloServerPlugin } from '@apollo/server';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Request latency buckets in seconds, from a cached lookup to a slow mutation. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface SubgraphMetrics {
  registry: Registry;
  /** counts each GraphQL request by operation, with its errors and latency */
  plugin: ApolloServerPlugin<never>;
  /** reads a gauge at scrape time, e.g. a consumer's lag */
  gauge(options: { name: string; help: string; read: () => number | Promise<number> }): void;
}

/**
 * A subgraph's Prometheus registry, one per server (tests run several in one process). Series
 * carry the service name as a label so one dashboard fits all five.
 */
export function createSubgraphMetrics({ service }: { service: string }): SubgraphMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry, prefix: 'ordergraph_subgraph_' });
  const requests = new Counter({
    name: 'ordergraph_subgraph_requests_total',
    help: 'GraphQL requests answered, by operation name.',
    labelNames: ['operation'],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'ordergraph_subgraph_request_errors_total',
    help: 'GraphQL requests answered with errors, by operation name.',
    labelNames: ['operation'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'ordergraph_subgraph_request_duration_seconds',
    help: 'GraphQL request latency, by operation name.',
    labelNames: ['operation'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const plugin: ApolloServerPlugin<never> = {
    async requestDidStart() {
      const stopTimer = duration.startTimer();
      return {
        async willSendResponse({ operationName, request, errors: requestErrors }) {
          // a document that fails validation has no resolved name: the one the caller sent
          const operation = operationName ?? request.operationName ?? 'anonymous';
          requests.inc({ operation });
          if (requestErrors?.length) errors.inc({ operation });
          stopTimer({ operation });
        },
      };
    },
  };
  return {
    registry,
    plugin,
    gauge({ name, help, read }) {
      new Gauge({
        name,
        help,
        registers: [registry],
        async collect() {
          this.set(await read());
        },
      });
    },
  };
}
