import { and, asc, eq, gt, sql, type SQL } from 'drizzle-orm';
import { executeRows, type Database, type DatabaseHandle } from './db.js';
import { eventLog, type EventLogRow } from './tables.js';
import type { Logger } from './logger.js';
import { EVENT_LOG_CHANNEL, startWakeLoop } from './wake-loop.js';

export { EVENT_LOG_CHANNEL };

// one lock for all appends of a service: events then commit in sequence order, so a reader
// that has seen seq n never later finds a smaller seq committed behind it
const EVENT_LOG_LOCK_ID = 7_301_955_001;

export interface NewEvent {
  streamType: string;
  streamId: string;
  type: string;
  payload?: Record<string, unknown>;
}

/**
 * Appends an event inside the caller's transaction and wakes listeners when it commits.
 * Call it last in the transaction: it holds the log's append lock until commit.
 *
 * One statement takes the lock, queues the wake-up (NOTIFY is delivered at commit, and not at
 * all on rollback; listeners read the log, never the payload) and inserts the event numbered
 * after the lock is held. Every round trip between taking the lock and committing is time all
 * other appends of the service wait: with a statement each, a busy service's appends queued
 * behind the lock (measured: 600 ms per carrier scan at 50 scans/s).
 */
export async function appendEvent(tx: Database, event: NewEvent): Promise<EventLogRow | null> {
  const heldBack = appendsHeldBack.get(tx);
  if (heldBack) {
    heldBack.push(event);
    return null;
  }
  const payload = JSON.stringify(event.payload ?? {});
  const [row] = await tx
    .insert(eventLog)
    .select(
      sql`with locked as materialized (
            select pg_advisory_xact_lock(${EVENT_LOG_LOCK_ID}), pg_notify(${EVENT_LOG_CHANNEL}, '')
          )
          select nextval(pg_get_serial_sequence('event_log', 'seq')), ${event.streamType},
            ${event.streamId}, ${event.type}, ${payload}::jsonb, now()
          from locked`,
    )
    .returning();
  if (!row) throw new Error('event log insert returned nothing');
  return row;
}

/**
 * Makes a change and appends one event per row it returns, in one statement and so one round
 * trip: `change` is a data-modifying statement with `returning`, and the event's fields are
 * expressions over its rows, named `changed`. Nothing is appended (nor locked, nor notified)
 * when it returns no row. The change's rows are locked before the log's lock is taken, as
 * appendEvent called last in a transaction does. Resolves to the number of events appended.
 */
export async function changeAndAppendEvent(
  db: Database,
  {
    change,
    event,
  }: {
    change: SQL;
    event: { streamType: string; streamId: SQL; type: string; payload: SQL };
  },
): Promise<number> {
  const rows = await executeRows(
    db,
    sql`with changed as (${change}),
        locked as materialized (
          select pg_advisory_xact_lock(${EVENT_LOG_LOCK_ID}), pg_notify(${EVENT_LOG_CHANNEL}, '')
          where (select count(*) from changed) > 0
        )
        insert into event_log (seq, stream_type, stream_id, type, payload, occurred_at)
        select nextval(pg_get_serial_sequence('event_log', 'seq')), ${event.streamType},
          ${event.streamId}, ${event.type}, ${event.payload}, now()
        from locked, changed
        returning seq`,
  );
  return rows.length;
}

// transactions whose appends wait for the end of their work (see withAppendsLast)
const appendsHeldBack = new WeakMap<Database, NewEvent[]>();

/**
 * Runs `work` in `tx` with its appendEvent calls held back, then appends them all in one
 * statement. Work that handles several things in one transaction (a consumer's batch) would
 * otherwise take the log's lock at its first append and then wait for a row that a mutation
 * holds while the mutation waits for the lock: a deadlock. Appending last, as every single
 * mutation does, takes rows first and the lock last, in the same order for everyone.
 */
export async function withAppendsLast<T>(tx: Database, work: () => Promise<T>): Promise<T> {
  // inside another's work (a consumer's batch), the appends join that one's, last of all
  if (appendsHeldBack.has(tx)) return work();
  const heldBack: NewEvent[] = [];
  appendsHeldBack.set(tx, heldBack);
  let result: T;
  try {
    result = await work();
  } finally {
    appendsHeldBack.delete(tx);
  }
  if (heldBack.length > 0) await appendEvents(tx, heldBack);
  return result;
}

/** Appends events in order in one statement, with the log's lock taken once (see appendEvent). */
async function appendEvents(tx: Database, events: NewEvent[]): Promise<void> {
  const rows = JSON.stringify(
    events.map((event) => ({
      stream_type: event.streamType,
      stream_id: event.streamId,
      type: event.type,
      payload: event.payload ?? {},
    })),
  );
  await tx.execute(
    sql`with locked as materialized (
          select pg_advisory_xact_lock(${EVENT_LOG_LOCK_ID}), pg_notify(${EVENT_LOG_CHANNEL}, '')
        )
        insert into event_log (seq, stream_type, stream_id, type, payload, occurred_at)
        select nextval(pg_get_serial_sequence('event_log', 'seq')), event.value->>'stream_type',
          event.value->>'stream_id', event.value->>'type', event.value->'payload', now()
        from locked, jsonb_array_elements(${rows}::jsonb) with ordinality as event(value, position)
        order by event.position`,
  );
}

/** Events after a cursor, oldest first, optionally of one stream. */
export async function readEvents(
  db: Database,
  {
    after = 0,
    limit = 100,
    streamType,
    streamId,
  }: { after?: number; limit?: number; streamType?: string; streamId?: string },
): Promise<EventLogRow[]> {
  const conditions = [gt(eventLog.seq, after)];
  if (streamType) conditions.push(eq(eventLog.streamType, streamType));
  if (streamId) conditions.push(eq(eventLog.streamId, streamId));
  return db
    .select()
    .from(eventLog)
    .where(and(...conditions))
    .orderBy(asc(eventLog.seq))
    .limit(limit);
}

/** The seq of the newest event of the log, 0 when it is empty. */
export async function latestEventSeq(db: Database): Promise<number> {
  const [row] = await db
    .select({ seq: sql<number>`coalesce(max(${eventLog.seq}), 0)`.mapWith(Number) })
    .from(eventLog);
  return row?.seq ?? 0;
}

export interface EventReader {
  /** the seq of the last event handled */
  readonly position: number;
  stop(): Promise<void>;
}

/**
 * Follows the event log from a cursor: drains what is there, then waits for NOTIFY wake-ups
 * (with a slow poll as a safety net). A failing handler is retried with backoff, never skipped.
 */
export async function followEventLog({
  handle,
  after,
  onEvent,
  log,
  batchSize = 100,
  pollIntervalMs = 5_000,
}: {
  handle: DatabaseHandle;
  after: number;
  onEvent: (event: EventLogRow) => Promise<void>;
  log?: Logger;
  batchSize?: number;
  pollIntervalMs?: number;
}): Promise<EventReader> {
  let position = after;
  let stopped = false;

  const drain = async () => {
    while (!stopped) {
      const events = await readEvents(handle.db, { after: position, limit: batchSize });
      for (const event of events) {
        if (stopped) return;
        await onEvent(event);
        position = event.seq;
      }
      if (events.length < batchSize) return;
    }
  };

  const loop = await startWakeLoop({
    handle,
    drain,
    pollIntervalMs,
    onError: (error) => log?.error({ err: error, position }, 'event handler failed; retrying'),
  });

  return {
    get position() {
      return position;
    },
    async stop() {
      stopped = true;
      await loop.stop();
    },
  };
}
