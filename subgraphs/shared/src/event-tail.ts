import { runInBackground, type DatabaseHandle } from './db.js';
import { latestEventSeq, readEvents } from './event-log.js';
import type { Logger } from './logger.js';
import type { EventLogRow } from './tables.js';
import { startWakeLoop } from './wake-loop.js';

/** One stream of a service's event log, e.g. `{ streamType: 'order', streamId: <order id> }`. */
export interface StreamKey {
  streamType: string;
  streamId: string;
}

export interface EventTail {
  /** the seq of the newest event the tail has read */
  readonly position: number;
  /**
   * Calls `onEvent` with every event of the stream the tail reads from now on, in seq order:
   * all events with a seq above `position` at the time of the call. Returns the unwatch.
   */
  watch(stream: StreamKey, onEvent: (event: EventLogRow) => void): () => void;
  /** how many watch the stream now (tests wait for a subscription to be in place) */
  watching(stream: StreamKey): number;
  /** resolves once the tail has read every event up to `seq`; fails after `timeoutMs` (60 s) */
  caughtUp(seq: number, options?: { timeoutMs?: number }): Promise<void>;
  stop(): Promise<void>;
}

const keyOf = ({ streamType, streamId }: StreamKey) => `${streamType}\u0000${streamId}`;

/**
 * Reads a service's event log once for the whole process, from its newest event on, woken by
 * NOTIFY (whichever replica committed), and hands each event to the watchers of its stream:
 * one query per wake-up, however many subscribers there are.
 */
export async function startEventTail({
  handle,
  log,
  batchSize = 500,
  pollIntervalMs = 5_000,
}: {
  handle: DatabaseHandle;
  log: Logger;
  batchSize?: number;
  pollIntervalMs?: number;
}): Promise<EventTail> {
  let position = await runInBackground(() => latestEventSeq(handle.db));
  const watchers = new Map<string, Set<(event: EventLogRow) => void>>();
  const progress = new Set<() => void>();

  const dispatch = (event: EventLogRow) => {
    for (const onEvent of watchers.get(keyOf(event)) ?? []) {
      try {
        onEvent(event);
      } catch (error) {
        log.error({ err: error, seq: event.seq }, 'event watcher failed');
      }
    }
  };

  const drain = async () => {
    for (;;) {
      const events = await readEvents(handle.db, { after: position, limit: batchSize });
      // appends commit in seq order (event-log.ts), so nothing can later appear behind position
      for (const event of events) {
        position = event.seq;
        dispatch(event);
      }
      for (const check of progress) check();
      if (events.length < batchSize) return;
    }
  };

  const loop = await startWakeLoop({
    handle,
    // the tail reads for subscribers, not for any request: keep it out of statement counts
    drain: () => runInBackground(drain),
    pollIntervalMs,
    onError: (error) => log.error({ err: error, position }, 'event tail read failed; retrying'),
  });

  return {
    get position() {
      return position;
    },
    watch(stream, onEvent) {
      const key = keyOf(stream);
      const set = watchers.get(key) ?? new Set();
      set.add(onEvent);
      watchers.set(key, set);
      return () => {
        set.delete(onEvent);
        if (set.size === 0 && watchers.get(key) === set) watchers.delete(key);
      };
    },
    watching(stream) {
      return watchers.get(keyOf(stream))?.size ?? 0;
    },
    caughtUp(seq, { timeoutMs = 60_000 } = {}) {
      if (position >= seq) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          progress.delete(check);
          reject(
            new Error(
              `the event tail did not reach seq ${seq} within ${timeoutMs} ms: it is at ${position}`,
            ),
          );
        }, timeoutMs);
        const check = () => {
          if (position < seq) return;
          clearTimeout(timer);
          progress.delete(check);
          resolve();
        };
        progress.add(check);
        loop.wake();
      });
    },
    async stop() {
      await loop.stop();
      watchers.clear();
    },
  };
}
