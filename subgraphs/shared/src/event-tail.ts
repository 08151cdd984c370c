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
  /**
   * The events after `after` that the tail still keeps in memory, oldest first, or null when it
   * no longer keeps them all (`after` is older than its window): the caller reads the database.
   */
  recent(after: number): readonly EventLogRow[] | null;
  /** calls `listener` after every read that moved the tail on; returns the removal */
  onAdvance(listener: () => void): () => void;
  stop(): Promise<void>;
}

/** how many of the newest events a tail keeps for the feeds that follow it */
export const TAIL_WINDOW = 5_000;

const keyOf = ({ streamType, streamId }: StreamKey) => `${streamType}\u0000${streamId}`;

/**
 * Reads a service's event log once for the whole process, from its newest event on, woken by
 * NOTIFY (whichever replica committed), and hands each event to the watchers of its stream:
 * one query per wake-up, however many subscribers there are. It keeps the newest `window`
 * events, so the feeds other services follow answer from memory rather than each reading the
 * log again (see event-feed.ts).
 */
export async function startEventTail({
  handle,
  log,
  batchSize = 500,
  pollIntervalMs = 5_000,
  window = TAIL_WINDOW,
}: {
  handle: DatabaseHandle;
  log: Logger;
  batchSize?: number;
  pollIntervalMs?: number;
  window?: number;
}): Promise<EventTail> {
  let position = await runInBackground(() => latestEventSeq(handle.db));
  const watchers = new Map<string, Set<(event: EventLogRow) => void>>();
  const progress = new Set<() => void>();
  const advanced = new Set<() => void>();
  // the newest events read, in seq order; complete for every seq above `keptAfter`
  let kept: EventLogRow[] = [];
  let keptAfter = position;

  const keep = (events: EventLogRow[]) => {
    kept.push(...events);
    if (kept.length <= window * 2) return;
    // trimmed in one go now and then rather than shifted at every event
    const dropped = kept.length - window;
    keptAfter = kept[dropped - 1]!.seq;
    kept = kept.slice(dropped);
  };

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
      keep(events);
      for (const check of progress) check();
      if (events.length > 0) {
        for (const listener of advanced) listener();
      }
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
    recent(after) {
      if (after < keptAfter) return null;
      // kept is in seq order: the first event past `after` by binary search
      let low = 0;
      let high = kept.length;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if (kept[middle]!.seq <= after) low = middle + 1;
        else high = middle;
      }
      return kept.slice(low);
    },
    onAdvance(listener) {
      advanced.add(listener);
      return () => advanced.delete(listener);
    },
    async stop() {
      await loop.stop();
      watchers.clear();
      for (const listener of advanced) listener();
      advanced.clear();
    },
  };
}
