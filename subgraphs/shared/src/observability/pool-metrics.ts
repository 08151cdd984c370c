import { Gauge } from 'prom-client';
import type { SubgraphMetrics } from './metrics.js';

/**
 * How much of a database pool is asked for right now. Neither driver reports its pool, so the
 * database wrapper counts what it hands the driver: a statement sent outside a transaction and a
 * transaction each need one connection for as long as they run (statements inside a
 * transaction ride on its connection). The pool serves up to `max` of them at once; the rest
 * wait for a connection to come free.
 */
export interface PoolUsage {
  /** the most connections the pool opens (PGlite: 1, it runs one statement at a time) */
  readonly max: number;
  /** statements outside transactions plus transactions, under way or waiting */
  readonly demand: number;
  /** counts one connection holder until the returned release is called (once) */
  acquire(): () => void;
}

/** A counter of connection holders for a pool of `max` connections. */
export function createPoolUsage(max: number): PoolUsage {
  let demand = 0;
  return {
    max,
    get demand() {
      return demand;
    },
    acquire() {
      demand++;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        demand--;
      };
    },
  };
}

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
