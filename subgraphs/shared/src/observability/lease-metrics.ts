import { Counter, Gauge, type Registry } from 'prom-client';

export interface LeaseMetrics {
  held: Gauge<'lease'>;
  takeovers: Counter<'lease'>;
}

/**
 * The lease series of a service's registry, made by its first leased worker and shared by the
 * others (a registry refuses a second metric of one name).
 */
export function leaseMetricsOf(registry: Registry): LeaseMetrics {
  const held =
    (registry.getSingleMetric('ordergraph_lease_held') as Gauge<'lease'> | undefined) ??
    new Gauge({
      name: 'ordergraph_lease_held',
      help: 'Whether this replica holds the lease of a piece of background work (1) or not (0).',
      labelNames: ['lease'],
      registers: [registry],
    });
  const takeovers =
    (registry.getSingleMetric('ordergraph_lease_takeovers_total') as
      Counter<'lease'> | undefined) ??
    new Counter({
      name: 'ordergraph_lease_takeovers_total',
      help: 'Times this replica took a lease over from an earlier holder.',
      labelNames: ['lease'],
      registers: [registry],
    });
  return { held, takeovers };
}
