import { randomUUID } from 'node:crypto';
import type { Counter } from 'prom-client';
import { eq, sql } from 'drizzle-orm';
import { requestScope, type Database, type DatabaseHandle, transaction } from './db.js';
import { typeMatcher, type FeedEvent } from './event-feed.js';
import { withAppendsLast } from './event-log.js';
import { readEvent, type ContractEvent, type EventContract } from './events/contract.js';
import { LeaseLostError, startLeasedWorker, type Lease } from './lease.js';
import type { Logger } from './logger.js';
import type { SubgraphMetrics } from './observability/metrics.js';
import { parkedEventsCounterOf } from './observability/parked-event-metrics.js';
import type { ServiceClient } from './service-client.js';
import { eventCursors, parkedEvents } from './tables.js';

/** the request id of a feed read a consumer makes because `caughtUp` asked, not for its work */
export const CATCH_UP_REQUEST_PREFIX = 'catch-up-';

export interface ConsumedEvent {
  seq: number;
  type: string;
  streamType: string;
  streamId: string;
  payload: Record<string, unknown>;
  occurredAt: Date;
}

export interface EventConsumer {
  stop(): Promise<void>;
  /**
   * resolves once the consumer has handled every event up to `seq`; fails after `timeoutMs`
   * (60 s by default) saying where the consumer stopped
   */
  caughtUp(seq: number, options?: { timeoutMs?: number }): Promise<void>;
}

/**
 * Follows another service's event log through its API and handles each event exactly once
 * for this service's own data: the handlers' writes and the consumer's cursor commit in one
 * transaction of this service's database, a batch of events at a time. A failing handler or
 * an unreachable producer is retried with backoff; after a restart the consumer resumes from
 * its stored cursor. Among the replicas of a service, the consumer runs on the one holding the
 * lease named after it (see lease.ts); `caughtUp` follows this replica's own progress.
 * Handlers that call other services must make those calls idempotent (key them by event).
 *
 * Handlers get events read through the producer's contract (see readEvent). An event the
 * contract cannot read is parked: kept in `parked_events` in the transaction that moves the
 * cursor past it, logged, and counted on /metrics (`ordergraph_events_parked_total`). Retrying
 * it would fail the same way and hold back every later event.
 */
export async function startEventConsumer<C extends EventContract>({
  name,
  handle,
  source,
  field,
  contract,
  types,
  onEvent,
  log,
  waitMs = 10_000,
  batchSize = 100,
  metrics,
  leaseTtlMs,
}: {
  /** the consumer's name, the key of its cursor and the name of its lease */
  name: string;
  handle: DatabaseHandle;
  /** a client of the producing service */
  source: ServiceClient;
  /** the producer's @inaccessible feed field, e.g. `ordersEventLog` */
  field: string;
  /** what the producer emits (see shared/src/events): how the consumer reads its payloads */
  contract: C;
  /**
   * The event types `onEvent` handles (exact, or a prefix ending in `*`): the producer sends only
   * those, so the consumer is not woken, and writes nothing, for the rest. All when absent.
   */
  types?: readonly string[] | undefined;
  onEvent: (event: ContractEvent<C>, tx: Database) => Promise<void>;
  log: Logger;
  waitMs?: number;
  batchSize?: number;
  /** the service's metrics, where the lease and the parked events show */
  metrics?: Pick<SubgraphMetrics, 'registry'> | undefined;
  /** how soon another replica takes the consumer over when this one dies */
  leaseTtlMs?: number | undefined;
}): Promise<EventConsumer> {
  let position = 0;
  let following: { poke(): void } | null = null;
  const progress = new Set<() => void>();
  const advance = (seq: number) => {
    position = seq;
    for (const notify of progress) notify();
  };
  const worker = await startLeasedWorker({
    handle,
    name,
    log,
    metrics,
    ttlMs: leaseTtlMs,
    start: async (lease) =>
      (following = await followFeed({
        name,
        handle,
        source,
        field,
        types: types ?? null,
        read: (event) => readEvent(contract, event),
        onEvent: onEvent as (event: ContractEvent<EventContract>, tx: Database) => Promise<void>,
        parked: metrics && parkedEventsCounterOf(metrics.registry),
        log,
        waitMs,
        batchSize,
        lease,
        advance,
      })),
  });
  return {
    stop: worker.stop,
    caughtUp: (seq, { timeoutMs = 60_000 } = {}) =>
      new Promise<void>((resolve, reject) => {
        if (position >= seq) return resolve();
        // what the consumer does not handle it passes over at the end of a long poll: asked now
        if (types) following?.poke();
        // a stalled consumer fails the wait with where it stopped, rather than hanging it
        const timer = setTimeout(() => {
          progress.delete(check);
          reject(
            new Error(
              `event consumer ${name} did not reach seq ${seq} within ${timeoutMs} ms: it is at ${position}`,
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
      }),
  };
}

/** The consumer's work while its replica holds the lease: from the stored cursor on. */
async function followFeed({
  name,
  handle,
  source,
  field,
  types,
  read,
  onEvent,
  parked,
  log,
  waitMs,
  batchSize,
  lease,
  advance,
}: {
  name: string;
  handle: DatabaseHandle;
  source: ServiceClient;
  field: string;
  types: readonly string[] | null;
  read: (event: ConsumedEvent) => ReturnType<typeof readEvent<EventContract>>;
  onEvent: (event: ContractEvent<EventContract>, tx: Database) => Promise<void>;
  /** counts the parked events, when the service has metrics */
  parked: Counter<'consumer' | 'type'> | undefined;
  log: Logger;
  waitMs: number;
  batchSize: number;
  lease: Lease;
  /** told the position after every commit */
  advance: (seq: number) => void;
}): Promise<{ stop(): Promise<void>; poke(): void }> {
  const [stored] = await handle.db
    .select()
    .from(eventCursors)
    .where(eq(eventCursors.consumer, name));
  let position = stored?.position ?? 0;
  advance(position);
  let stopped = false;
  const aborter = new AbortController();
  // asked for only when the consumer names its types, so any producer's feed will do otherwise
  const [typesVariable, typesArgument] = types
    ? [', $types: [String!]', ', types: $types']
    : ['', ''];
  const query = `query Feed($after: String!, $first: Int!, $waitMs: Int!${typesVariable}) {
    feed: ${field}(after: $after, first: $first, waitMs: $waitMs${typesArgument}) {
      seq type streamType streamId payload occurredAt } }`;
  const handles = typeMatcher(types);

  const consumedOf = (event: FeedEvent): ConsumedEvent => ({
    seq: Number(event.seq),
    type: event.type,
    streamType: event.streamType,
    streamId: event.streamId,
    payload: JSON.parse(event.payload) as Record<string, unknown>,
    occurredAt: new Date(event.occurredAt),
  });

  // the handlers' writes and the cursor past the last of them, in one transaction
  const apply = async (events: FeedEvent[]) => {
    const consumed = events.map(consumedOf);
    const seq = consumed.at(-1)?.seq;
    if (seq === undefined) return;
    const handled: ContractEvent<EventContract>[] = [];
    const unreadable: (typeof parkedEvents.$inferInsert)[] = [];
    for (const event of consumed.filter((event) => handles(event.type))) {
      const result = read(event);
      if (result.ok) handled.push(result.event);
      else {
        const { seq, type, streamType, streamId, payload } = event;
        unreadable.push({
          consumer: name,
          seq,
          type,
          streamType,
          streamId,
          payload,
          reason: result.reason,
        });
      }
    }
    // a batch of only an event passed over (the feed's way of moving the cursor on, once per
    // long poll at most) still stores the cursor: the consumer's position on /metrics is true
    await transaction(handle.db, async (tx) => {
      // first, so that a former holder's batch is refused before its handlers run; the
      // cursor rides in the fence's statement, and rolls back with the handlers' writes
      await lease.fenceWith(
        tx,
        (held) => sql`insert into ${eventCursors} (consumer, position)
                      select ${name}::text, ${seq}::bigint where ${held}
                      on conflict (consumer)
                      do update set position = excluded.position, updated_at = now()
                      returning position`,
      );
      // kept with the cursor that passes them: parked exactly once, never lost
      if (unreadable.length > 0) {
        await tx.insert(parkedEvents).values(unreadable).onConflictDoNothing();
      }
      // the events the handlers append go last, after every row they lock
      await withAppendsLast(tx, async () => {
        for (const event of handled) await onEvent(event, tx);
      });
    });
    for (const event of unreadable) {
      log.error(
        { consumer: name, seq: event.seq, type: event.type, reason: event.reason },
        'event off its contract parked',
      );
      parked?.inc({ consumer: name, type: event.type });
    }
    position = seq;
    advance(seq);
  };

  /**
   * A batch is applied in one transaction: under a steady stream, one commit (and one cursor
   * write) per batch instead of per event is what lets a consumer keep up. When the batch
   * fails, its events are applied one by one, so those before the failing one still land and
   * the failure is retried alone.
   */
  const applyBatch = async (events: FeedEvent[]) => {
    try {
      await apply(events);
    } catch (error) {
      if (events.length === 1 || error instanceof LeaseLostError) throw error;
      for (const event of events) {
        if (stopped) return;
        await apply([event]);
      }
    }
  };

  // a poke ends the long poll under way and asks again without waiting, so that the events
  // passed over so far come back at once
  let poked = false;
  let polling: AbortController | null = null;
  const poke = () => {
    poked = true;
    polling?.abort();
  };

  const loop = async () => {
    let failures = 0;
    while (!stopped) {
      const poll = new AbortController();
      polling = poll;
      const catchingUp = poked;
      // named, so that a measurement of the consumer's own calls can leave these out
      const catchUpId = catchingUp ? `${CATCH_UP_REQUEST_PREFIX}${randomUUID()}` : null;
      const wait = catchingUp ? 0 : waitMs;
      poked = false;
      try {
        const { feed } = await source.request<{ feed: FeedEvent[] }>({
          query,
          variables: {
            after: String(position),
            first: batchSize,
            waitMs: wait,
            ...(types && { types }),
          },
          signal: AbortSignal.any([aborter.signal, poll.signal]),
          timeoutMs: wait + 10_000,
          ...(catchUpId && { requestId: catchUpId }),
        });
        polling = null;
        if (stopped) return;
        // a catch-up that brought only the marker of events passed over stores the cursor for
        // whoever asked for it (a test settling): it is done under the catch-up's name too
        const onlyPassedOver = catchUpId && !feed.some((event) => handles(event.type));
        await (onlyPassedOver
          ? requestScope.run({ requestId: catchUpId, background: true }, () => applyBatch(feed))
          : applyBatch(feed));
        failures = 0;
      } catch (error) {
        polling = null;
        // a lost lease stops this worker: the lease's holder carries on from the cursor
        if (stopped || error instanceof LeaseLostError) return;
        if (poll.signal.aborted) continue;
        failures++;
        const delay = Math.min(30_000, 100 * 2 ** failures);
        // a producer that starts later than its consumers is routine: one line, no stack
        const reason = error instanceof Error ? error.message : String(error);
        log.warn(
          { consumer: name, position, retryInMs: delay, reason },
          'event consumer failed; retrying',
        );
        await new Promise<void>((resolve) => {
          const wake = () => {
            clearTimeout(timer);
            aborter.signal.removeEventListener('abort', wake);
            resolve();
          };
          const timer = setTimeout(wake, delay);
          aborter.signal.addEventListener('abort', wake, { once: true });
        });
      }
    }
  };
  const running = loop();

  return {
    poke,
    async stop() {
      stopped = true;
      aborter.abort();
      await running;
    },
  };
}
