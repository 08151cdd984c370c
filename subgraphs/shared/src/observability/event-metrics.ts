import { Gauge } from 'prom-client';
import { executeRows, sql, type DatabaseHandle } from '../db.js';
import type { SubgraphMetrics } from './metrics.js';

/**
 * Event-log series read from the database at scrape time: the head of this service's log and
 * the position of each consumer it runs. A consumer's lag is its producer's head minus its
 * position (`ordergraph_event_log_head_seq{service="orders"} - on()
 * ordergraph_event_consumer_position{consumer="..."}`); a failed read leaves the series out.
 */
export function registerEventLogMetrics({
  metrics,
  handle,
}: {
  metrics: SubgraphMetrics;
  handle: DatabaseHandle;
}): void {
  new Gauge({
    name: 'ordergraph_event_log_head_seq',
    help: 'The sequence number of the latest event in this service’s event log.',
    registers: [metrics.registry],
    async collect() {
      this.reset();
      const [row] = await executeRows<{ seq: string | number | null }>(
        handle.db,
        sql`select max(seq) as seq from event_log`,
      ).catch(() => []);
      if (row) this.set(Number(row.seq ?? 0));
    },
  });
  new Gauge({
    name: 'ordergraph_event_consumer_position',
    help: 'The last event a consumer of another service’s log has handled, by consumer.',
    labelNames: ['consumer'],
    registers: [metrics.registry],
    async collect() {
      this.reset();
      const rows = await executeRows<{ consumer: string; position: string | number }>(
        handle.db,
        sql`select consumer, position from event_cursors`,
      ).catch(() => []);
      for (const { consumer, position } of rows) this.set({ consumer }, Number(position));
    },
  });
}
