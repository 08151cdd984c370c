import type { DatabaseHandle } from './db.js';
import { EVENT_LOG_CHANNEL, readEvents } from './event-log.js';
import type { EventTail } from './event-tail.js';
import type { EventLogRow } from './tables.js';

/** the longest a feed request may wait for new events */
export const MAX_FEED_WAIT_MS = 25_000;

/** the most events one feed read returns */
export const MAX_FEED_PAGE = 500;

export interface FeedEvent {
  seq: string;
  type: string;
  streamType: string;
  streamId: string;
  /** the event's payload as JSON text */
  payload: string;
  occurredAt: Date;
}

export interface FeedReadOptions {
  after: number;
  first: number;
  waitMs: number;
  /**
   * The event types the reader handles: exact types, or a prefix ending in `*`
   * (`shipment.*`). Absent or empty: every event.
   */
  types?: readonly string[] | null | undefined;
}

export interface EventFeed {
  /**
   * Events after a cursor, oldest first. With `waitMs`, a read that finds nothing waits (long
   * polling) until an event is committed or the time is up, so consumers in other services
   * follow the log without a busy poll. With `types`, only those events are returned and only
   * they end the wait; when it ends without one, the newest event passed over is returned alone,
   * so that the reader's cursor moves past what it does not handle (a consumer that must know
   * sooner asks again with no wait: see the consumer's `caughtUp`).
   */
  read(options: FeedReadOptions): Promise<FeedEvent[]>;
  /** how many reads wait for the next commit now (tests wait for a long poll to be in place) */
  waiting(): number;
  close(): Promise<void>;
}

const toFeedEvent = (row: EventLogRow): FeedEvent => ({
  seq: String(row.seq),
  type: row.type,
  streamType: row.streamType,
  streamId: row.streamId,
  payload: JSON.stringify(row.payload),
  occurredAt: row.occurredAt,
});

/** Whether an event's type is one of `types` (see FeedReadOptions.types). */
export function typeMatcher(
  types: readonly string[] | null | undefined,
): (type: string) => boolean {
  if (!types || types.length === 0) return () => true;
  const exact = new Set(types.filter((type) => !type.endsWith('*')));
  const prefixes = types.filter((type) => type.endsWith('*')).map((type) => type.slice(0, -1));
  return (type) => exact.has(type) || prefixes.some((prefix) => type.startsWith(prefix));
}

/**
 * What one look at the log found: the events to return, the newest one passed over, and whether
 * everything up to the newest event was looked at (otherwise there is more to read at once).
 */
interface Found {
  events: EventLogRow[];
  passedOver: EventLogRow | null;
  exhausted: boolean;
  /** read from the log itself, not from the tail's memory */
  fromLog: boolean;
}

function pick(rows: readonly EventLogRow[], matches: (type: string) => boolean, limit: number) {
  const events: EventLogRow[] = [];
  let passedOver: EventLogRow | null = null;
  for (const row of rows) {
    if (matches(row.type)) {
      events.push(row);
      if (events.length === limit) break;
    } else if (events.length === 0) {
      passedOver = row;
    }
  }
  return { events, passedOver };
}

/**
 * A service's own event log as a feed for other services. With the process's event tail, reads
 * are answered from the events the tail keeps in memory, and waiting readers are woken by the
 * tail: the log is read once per commit for every reader, rather than twice per reader
 * (before and after its wait). Without a tail, or for a cursor older than what the tail keeps,
 * the log is read, woken by the log's NOTIFY.
 */
export function createEventFeed(
  handle: DatabaseHandle,
  { tail }: { tail?: EventTail } = {},
): EventFeed {
  const waiters = new Set<() => void>();
  let closed = false;
  const wakeAll = () => {
    for (const wake of waiters) wake();
  };
  // the tail wakes the waiters after its read; without one, the log's own NOTIFY does
  const listening: Promise<() => unknown> = tail
    ? Promise.resolve(tail.onAdvance(wakeAll))
    : handle.listen(EVENT_LOG_CHANNEL, wakeAll);

  const look = async (
    after: number,
    limit: number,
    matches: (type: string) => boolean,
    { fromLog = false } = {},
  ): Promise<Found> => {
    const kept = fromLog ? null : tail?.recent(after);
    if (kept) return { ...pick(kept, matches, limit), exhausted: true, fromLog: false };
    // past the tail's window, or no tail: the log itself, a page of it at a time
    const rows = await readEvents(handle.db, { after, limit: MAX_FEED_PAGE });
    return {
      ...pick(rows, matches, limit),
      exhausted: rows.length < MAX_FEED_PAGE,
      fromLog: true,
    };
  };

  /** a wait for the next commit, registered at once so that none is missed while looking */
  const news = (deadline: number) => {
    let done = () => {};
    const arrived = new Promise<void>((resolve) => {
      const timer = setTimeout(() => done(), Math.max(0, deadline - Date.now()));
      done = () => {
        clearTimeout(timer);
        waiters.delete(done);
        resolve();
      };
      waiters.add(done);
    });
    return { arrived, cancel: () => done() };
  };

  return {
    async read({ after, first, waitMs, types }) {
      const limit = Math.min(Math.max(first, 1), MAX_FEED_PAGE);
      const matches = typeMatcher(types);
      const deadline = Date.now() + Math.min(Math.max(waitMs, 0), MAX_FEED_WAIT_MS);
      await listening;
      let position = after;
      let passedOver: EventLogRow | null = null;
      // a closed feed reads nothing more: its service is closing its database
      while (!closed) {
        const next = news(deadline);
        const found = await look(position, limit, matches);
        if (found.events.length > 0) {
          next.cancel();
          return found.events.map(toFeedEvent);
        }
        if (found.passedOver) {
          passedOver = found.passedOver;
          position = found.passedOver.seq;
        }
        // a closing service answers at once, so its long polls do not hold the shutdown
        if (Date.now() >= deadline || closed || !found.exhausted) next.cancel();
        if (closed) break;
        if (Date.now() >= deadline) {
          // the tail reads a commit a moment after it: before answering "nothing", the log
          if (!found.fromLog) {
            const checked = await look(position, limit, matches, { fromLog: true });
            if (checked.events.length > 0) return checked.events.map(toFeedEvent);
            if (checked.passedOver) passedOver = checked.passedOver;
          }
          break;
        }
        await next.arrived;
      }
      return passedOver ? [toFeedEvent(passedOver)] : [];
    },
    waiting: () => waiters.size,
    async close() {
      closed = true;
      wakeAll();
      const unlisten = await listening;
      await unlisten();
    },
  };
}
