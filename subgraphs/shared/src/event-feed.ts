import type { DatabaseHandle } from './db.js';
import { EVENT_LOG_CHANNEL, readEvents } from './event-log.js';
import type { EventLogRow } from './tables.js';

/** the longest a feed request may wait for new events */
export const MAX_FEED_WAIT_MS = 25_000;

export interface FeedEvent {
  seq: string;
  type: string;
  streamType: string;
  streamId: string;
  /** the event's payload as JSON text */
  payload: string;
  occurredAt: Date;
}

export interface EventFeed {
  /**
   * Events after a cursor, oldest first. With `waitMs`, an empty read waits (long polling) until
   * an event is committed or the time is up, so consumers in other services follow the log
   * without a busy poll.
   */
  read(options: { after: number; first: number; waitMs: number }): Promise<FeedEvent[]>;
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

/** A service's own event log as a feed for other services; one LISTEN serves every waiter. */
export function createEventFeed(handle: DatabaseHandle): EventFeed {
  const waiters = new Set<() => void>();
  let closed = false;
  const listening = handle.listen(EVENT_LOG_CHANNEL, () => {
    for (const wake of waiters) wake();
  });

  return {
    async read({ after, first, waitMs }) {
      const limit = Math.min(Math.max(first, 1), 500);
      const rows = await readEvents(handle.db, { after, limit });
      // a closing service answers at once, so its long polls do not hold the shutdown
      if (rows.length > 0 || waitMs <= 0 || closed) return rows.map(toFeedEvent);
      await listening;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, Math.min(waitMs, MAX_FEED_WAIT_MS));
        waiters.add(done);
      });
      return (await readEvents(handle.db, { after, limit })).map(toFeedEvent);
    },
    async close() {
      closed = true;
      for (const wake of waiters) wake();
      await (
        await listening
      )();
    },
  };
}
