import { metrics, type Attributes } from '@opentelemetry/api';

/**
 * The router's OpenTelemetry instruments, beside its Prometheus series: exported by the SDK
 * when the OTEL_* variables ask for metrics, no-ops otherwise. Made once telemetry is started
 * (the metrics API has no proxy: a meter taken before would stay a no-op).
 */
export function createOtelRequestMetrics() {
  const meter = metrics.getMeter('ordergraph-router');
  const requestDuration = meter.createHistogram('ordergraph.router.request.duration', {
    description: 'GraphQL request latency, by operation name and type and client.',
    unit: 's',
  });
  const fetchDuration = meter.createHistogram('ordergraph.router.subgraph.fetch.duration', {
    description: 'Latency of fetches from subgraphs, by subgraph and outcome.',
    unit: 's',
  });
  const errors = meter.createCounter('ordergraph.router.errors', {
    description: 'Errors in GraphQL responses, by code.',
    unit: '{error}',
  });
  return {
    request(seconds: number, attributes: Attributes, errorCodes: string[]) {
      requestDuration.record(seconds, attributes);
      for (const code of errorCodes) errors.add(1, { ...attributes, 'graphql.error.code': code });
    },
    fetch(seconds: number, attributes: Attributes) {
      fetchDuration.record(seconds, attributes);
    },
  };
}
