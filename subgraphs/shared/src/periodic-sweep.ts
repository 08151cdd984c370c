import { runOnClock, type Database, type DatabaseHandle } from './db.js';
import { startLeasedWorker, type LeasedWorker } from './lease.js';
import type { Logger } from './logger.js';
import type { SubgraphMetrics } from './observability/metrics.js';

/** Background work that looks for things to do on an interval, one pass at a time. */
export interface PeriodicSweep {
  /** runs a pass now (after the one under way, if any); resolves with what it handled */
  sweep(): Promise<number>;
  /** stops the interval and waits for the pass under way */
  stop(): Promise<void>;
}

/**
 * Runs `pass` every `intervalMs` and on demand, never two at once: a sweep asked for during a
 * pass waits for it, then runs its own. A failed pass is logged and tried again at the next
 * interval. `pass` gets `stopped()` to end early between items once `stop` is called.
 */
export function startPeriodicSweep({
  pass,
  intervalMs,
  log,
  failure,
}: {
  pass: (stopped: () => boolean) => Promise<number>;
  intervalMs: number;
  log: Logger;
  /** the log line of a failed pass */
  failure: string;
}): PeriodicSweep {
  let stopped = false;
  let running: Promise<number> | null = null;

  const sweep = async (): Promise<number> => {
    while (running) await running.catch(() => 0);
    running = pass(() => stopped);
    try {
      return await running;
    } finally {
      running = null;
    }
  };

  const timer = setInterval(() => {
    if (running || stopped) return;
    runOnClock(sweep).catch((error: unknown) => log.warn({ err: error }, failure));
  }, intervalMs);
  timer.unref();

  return {
    sweep,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => 0);
    },
  };
}

/**
 * A pass's usual work: takes what `find` returns, a batch of up to `batchSize` at a time, through
 * `each` until a batch comes back short or the sweep stops; resolves with how many `each`
 * reported done (it returns false for an item that needed nothing after all).
 */
export async function sweepInBatches<T>({
  stopped,
  batchSize,
  find,
  each,
}: {
  stopped: () => boolean;
  batchSize: number;
  find: (limit: number) => Promise<T[]>;
  each: (item: T) => Promise<boolean>;
}): Promise<number> {
  let done = 0;
  for (;;) {
    const batch = await find(batchSize);
    for (const item of batch) {
      if (stopped()) return done;
      if (await each(item)) done++;
    }
    if (batch.length < batchSize) return done;
  }
}

/** What a sweep on one replica at a time runs with, beside the sweep's own options. */
export interface SweepLeaseOptions {
  handle: DatabaseHandle;
  log: Logger;
  /** the service's registry, for the lease's gauges */
  metrics?: Pick<SubgraphMetrics, 'registry'> | undefined;
  /** how long the lease lasts without a renewal: how soon another replica takes over */
  leaseTtlMs?: number | undefined;
}

/**
 * Runs a periodic sweep on whichever replica holds the lease `name`: `start` starts it with the
 * lease's fence, for the sweep's transactions to run first, and it stops when the lease is lost.
 */
export function startLeasedSweep({
  handle,
  log,
  metrics,
  leaseTtlMs,
  name,
  start,
}: SweepLeaseOptions & {
  name: string;
  start: (fence: (tx: Database) => Promise<void>) => PeriodicSweep;
}): Promise<LeasedWorker> {
  return startLeasedWorker({
    handle,
    name,
    log,
    metrics,
    ttlMs: leaseTtlMs,
    start: async (lease) => start(lease.fence),
  });
}
