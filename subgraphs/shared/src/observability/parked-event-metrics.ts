import { Counter, type Registry } from 'prom-client';

/**
 * The count of events each consumer parked, by event type: made by the first consumer of a
 * service and shared by the others (a registry refuses a second metric of one name).
 */
export function parkedEventsCounterOf(registry: Registry): Counter<'consumer' | 'type'> {
  return (
    (registry.getSingleMetric('ordergraph_events_parked_total') as
      Counter<'consumer' | 'type'> | undefined) ??
    new Counter({
      name: 'ordergraph_events_parked_total',
      help: 'Events of another service a consumer could not read through its contract and parked.',
      labelNames: ['consumer', 'type'],
      registers: [registry],
    })
  );
}
