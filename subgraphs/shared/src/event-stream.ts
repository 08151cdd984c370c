import type { Database } from './db.js';
import { codedError } from './errors.js';
import { decodeEventCursor } from './event-cursor.js';
import { latestEventSeq, readEvents } from './event-log.js';
import type { EventTail, StreamKey } from './event-tail.js';
import type { EventLogRow } from './tables.js';

/** how many live events a subscriber may leave unread before it is ended */
export const SUBSCRIPTION_QUEUE_LIMIT = 1000;

export const subscriptionOverflow = () =>
  codedError(
    'SUBSCRIPTION_OVERFLOW',
    'The subscription fell too far behind and was ended; subscribe again with the last cursor.',
  );

/**
 * The events of one stream as an async iterator, oldest first: with `after` (a seq), every
 * event after it replayed from the database, then live ones from the tail; without, only
 * events committed from now on. Nothing is missed or sent twice between replay and live: the
 * start is fixed first, the tail is watched, then what the tail had already read past the start
 * is replayed from the database, and live events at or below the last seq sent are dropped.
 * Replay is read a page at a time as the subscriber asks; live events wait in a queue of at
 * most `queueLimit`, past which the iterator fails with SUBSCRIPTION_OVERFLOW. `return()`
 * ends it at once, even while it waits.
 */
export async function openEventStream({
  tail,
  db,
  stream,
  after,
  queueLimit = SUBSCRIPTION_QUEUE_LIMIT,
  replayBatchSize = 100,
}: {
  tail: EventTail;
  db: Database;
  stream: StreamKey;
  /** the seq of the last event the subscriber has, or null for live events only */
  after: number | null;
  queueLimit?: number;
  replayBatchSize?: number;
}): Promise<AsyncIterableIterator<EventLogRow>> {
  // the seq of the last event sent: the subscriber has everything up to it
  let position = after ?? (await latestEventSeq(db));
  const live: EventLogRow[] = [];
  let replay: EventLogRow[] = [];
  let failure: Error | null = null;
  let finished = false;
  let wakeReader: (() => void) | null = null;

  const wake = () => {
    wakeReader?.();
    wakeReader = null;
  };
  const finish = () => {
    finished = true;
    unwatch();
    live.length = 0;
    replay = [];
    wake();
  };
  const unwatch = tail.watch(stream, (event) => {
    if (finished) return;
    live.push(event);
    if (live.length > queueLimit) {
      failure = subscriptionOverflow();
      finish();
      return;
    }
    wake();
  });
  // events up to the tail's position went by before the watch: those after the start are read
  // from the database (only a subscriber with an older cursor, or one racing the tail, needs it)
  let replaying = tail.position > position;

  const nextEvent = async (): Promise<EventLogRow | null> => {
    for (;;) {
      if (failure) throw failure;
      if (finished) return null;
      const replayed = replay.shift();
      if (replayed) {
        position = replayed.seq;
        return replayed;
      }
      if (replaying) {
        replay = await readEvents(db, { ...stream, after: position, limit: replayBatchSize });
        if (replay.length < replayBatchSize) replaying = false;
        continue;
      }
      while (live.length > 0 && live[0]!.seq <= position) live.shift();
      const event = live.shift();
      if (event) {
        position = event.seq;
        return event;
      }
      await new Promise<void>((resolve) => (wakeReader = resolve));
    }
  };

  const done = (): IteratorResult<EventLogRow> => ({ done: true, value: undefined });
  const iterator: AsyncIterableIterator<EventLogRow> = {
    async next() {
      try {
        const event = await nextEvent();
        return event ? { done: false, value: event } : done();
      } catch (error) {
        failure = null;
        finish();
        throw error;
      }
    },
    async return() {
      finish();
      return done();
    },
    async throw(error?: unknown) {
      finish();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

/**
 * The source of a subscription field over one stream: `after` is a cursor from
 * `encodeEventCursor` (BAD_USER_INPUT otherwise). Authorize the viewer before calling it.
 */
export function subscribeToStream({
  tail,
  db,
  stream,
  after,
  queueLimit,
}: {
  tail: EventTail;
  db: Database;
  stream: StreamKey;
  after: string | null | undefined;
  queueLimit?: number;
}): Promise<AsyncIterableIterator<EventLogRow>> {
  const seq = after == null ? null : decodeEventCursor(after, { streamType: stream.streamType });
  return openEventStream({ tail, db, stream, after: seq, queueLimit });
}
