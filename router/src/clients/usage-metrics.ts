import { Counter, Histogram, type Registry } from 'prom-client';
import { createLabelCap } from '../observability/label-cap.js';

/** Records one GraphQL request of a client: which operation, whether it failed, how long it took. */
export interface ClientUsage {
  record(usage: {
    client: string | null;
    operation: string | null;
    ok: boolean;
    seconds: number;
  }): void;
}

/**
 * Per-client usage series on the router's registry. Operation names come from callers, and
 * client names are capped as well: each label keeps `labelCap` distinct values.
 */
export function registerClientUsageMetrics(
  registry: Registry,
  { labelCap }: { labelCap?: number | undefined } = {},
): ClientUsage {
  const labelNames = ['client', 'operation'] as const;
  const requests = new Counter({
    name: 'ordergraph_client_operations_total',
    help: 'GraphQL operations by client and operation name.',
    labelNames,
    registers: [registry],
  });
  const errors = new Counter({
    name: 'ordergraph_client_operation_errors_total',
    help: 'GraphQL operations answered with errors (refusals included), by client and operation.',
    labelNames,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'ordergraph_client_operation_duration_seconds',
    help: 'Time from the request to its response, by client and operation.',
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const operationLabel = createLabelCap(labelCap);
  const clientLabel = createLabelCap(labelCap);
  return {
    record({ client, operation, ok, seconds }) {
      const labels = {
        client: client ? clientLabel(client) : '(none)',
        operation: operation ? operationLabel(operation) : '(anonymous)',
      };
      requests.inc(labels);
      if (!ok) errors.inc(labels);
      duration.observe(labels, seconds);
    },
  };
}
