import { runInFreshBackground, runOnClock, sql, type Database, type DatabaseHandle } from './db.js';

/** the NOTIFY channel every append to a service's event log signals */
export const EVENT_LOG_CHANNEL = 'event_log';

/**
 * Wakes what listens on `channel` (a wake loop, a subscription) when the transaction `db` runs
 * in commits, at once outside one, with `payload` (such as a job's id): one statement.
 */
export async function notifyOnCommit(
  db: Database,
  { channel, payload = '' }: { channel: string; payload?: string },
): Promise<void> {
  await db.execute(sql`select pg_notify(${channel}, ${payload})`);
}

export interface WakeLoop {
  /** asks for a drain soon; a wake during a drain runs another one after it */
  wake(): void;
  /**
   * asks for a drain and resolves once a drain begun after this call has finished without
   * failing (or the loop stops): what was written before the call has been drained
   */
  settled(): Promise<void>;
  /** stops waking and waits for the drain under way */
  stop(): Promise<void>;
}

/**
 * Runs `drain` whenever this service's event log commits (NOTIFY on `channel`, the event log's
 * by default), on a slow poll as a safety net, and on demand; one drain at a time, a failing
 * drain retried with backoff. `settled` waits for a drain that began after it was called.
 */
export async function startWakeLoop({
  handle,
  drain,
  onError,
  pollIntervalMs = 5_000,
  channel = EVENT_LOG_CHANNEL,
}: {
  handle: DatabaseHandle;
  drain: () => Promise<void>;
  onError: (error: unknown) => void;
  pollIntervalMs?: number;
  /** the NOTIFY channel that wakes it: the event log's unless the work has its own */
  channel?: string;
}): Promise<WakeLoop> {
  let stopped = false;
  let draining: Promise<void> | null = null;
  let again = false;
  let failures = 0;
  // drains begun so far; a waiter of `settled` waits for one numbered past its `afterPass`
  let passes = 0;
  const waiters = new Set<{ afterPass: number; resolve: () => void }>();

  const wake = (): void => {
    if (stopped) return;
    if (draining) {
      again = true;
      return;
    }
    const pass = ++passes;
    draining = drain()
      .then(() => {
        failures = 0;
        for (const waiter of waiters) {
          if (pass > waiter.afterPass) {
            waiters.delete(waiter);
            waiter.resolve();
          }
        }
      })
      .catch((error: unknown) => {
        failures++;
        onError(error);
        setTimeout(wake, Math.min(30_000, 100 * 2 ** failures)).unref();
      })
      .finally(() => {
        draining = null;
        if (again) {
          again = false;
          // asked for during the drain, most likely by a commit: not the clock's, if this was
          runInFreshBackground(wake);
        }
      });
  };

  const unlisten = await handle.listen(channel, wake);
  const poll = setInterval(() => runOnClock(wake), pollIntervalMs);
  poll.unref();
  wake();

  return {
    wake,
    settled: () =>
      new Promise<void>((resolve) => {
        if (stopped) return resolve();
        // a drain already under way may have looked before the caller's writes
        waiters.add({ afterPass: passes, resolve });
        wake();
      }),
    async stop() {
      stopped = true;
      clearInterval(poll);
      await unlisten();
      await draining;
      for (const waiter of waiters) waiter.resolve();
      waiters.clear();
    },
  };
}
