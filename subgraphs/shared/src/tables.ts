import {
  bigint,
  bigserial,
  index,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';

// millisecond precision: keyset cursors carry JavaScript dates, which would miss microseconds
export const instant = (name: string) =>
  timestamp(name, { withTimezone: true, mode: 'date', precision: 3 }).notNull().defaultNow();

/**
 * The transactional outbox every subgraph keeps: one row per state change, appended in the
 * same transaction as the change, numbered in commit order (see event-log.ts).
 */
export const eventLog = pgTable(
  'event_log',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    streamType: text('stream_type').notNull(),
    streamId: text('stream_id').notNull(),
    type: text('type').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true, mode: 'date' })
      .notNull()
      .defaultNow(),
  },
  (table) => [index('event_log_stream_idx').on(table.streamType, table.streamId, table.seq)],
);

/** How far each consumer of another service's event log has read, kept by the consumer. */
export const eventCursors = pgTable('event_cursors', {
  consumer: text('consumer').primaryKey(),
  position: bigint('position', { mode: 'number' }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

/**
 * Events of another service a consumer could not read (a type or payload off its producer's
 * contract), kept with the reason, so the consumer moves on without losing them. Written in the
 * transaction that moves the consumer's cursor past them.
 */
export const parkedEvents = pgTable(
  'parked_events',
  {
    consumer: text('consumer').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    type: text('type').notNull(),
    streamType: text('stream_type').notNull(),
    streamId: text('stream_id').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    reason: text('reason').notNull(),
    parkedAt: timestamp('parked_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.consumer, table.seq] })],
);

export type EventLogRow = typeof eventLog.$inferSelect;

/**
 * Who runs each piece of background work (a consumer, a runner) among the replicas of a
 * service: the holder renews `expires_at`; another replica takes an expired lease over and
 * `token` grows by one, so the work of a former holder is refused (see lease.ts).
 */
export const leases = pgTable('leases', {
  name: text('name').primaryKey(),
  holder: text('holder').notNull(),
  token: bigint('token', { mode: 'number' }).notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
});

/**
 * Results of mutations already done, by caller scope and idempotency key: a repeated call
 * returns the stored result and changes nothing.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    result: jsonb('result').$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.scope, table.key] })],
);
