import { Gauge } from 'prom-client';
import type { SubgraphMetrics } from './metrics.js';
import type { PoolUsage } from './pool-usage.js';

export { createPoolUsage, type PoolUsage } from './pool-usage.js';

/**
 * Pool series read at scrape time: the pool size, the connections in use (min(demand, max))
 * and the holders waiting for one (demand beyond max). Register them before any gauge that runs
 * SQL while it is collected, so that a scrape does not count its own statements.
 */
export function registerPoolMetrics({
  metrics,
  pool,
}: {
  metrics: SubgraphMetrics;
  pool: PoolUsage;
}): void {
  const registers = [metrics.registry];
  new Gauge({
    name: 'ordergraph_db_pool_connections_max',
    help: 'The most database connections this service’s pool opens.',
    registers,
    collect() {
      this.set(pool.max);
    },
  });
  new Gauge({
    name: 'ordergraph_db_pool_connections_in_use',
    help: 'Database connections held by a statement or a transaction under way.',
    registers,
    collect() {
      this.set(Math.min(pool.demand, pool.max));
    },
  });
  new Gauge({
    name: 'ordergraph_db_pool_waiting',
    help: 'Statements and transactions waiting for a free database connection.',
    registers,
    collect() {
      this.set(Math.max(0, pool.demand - pool.max));
    },
  });
}
