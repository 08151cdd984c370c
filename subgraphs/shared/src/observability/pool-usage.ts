// apart from its metrics (pool-metrics.ts): a worker thread counts its pool without prom-client
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
