import {
  bigint,
  bigserial,
  index,
  integer,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';

export {
  eventLog,
  eventCursors,
  idempotencyKeys,
  leases,
  parkedEvents,
} from '@ordergraph/shared/tables';
import { instant } from '@ordergraph/shared/tables';

export const customers = pgTable(
  'customers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    phone: text('phone'),
    createdAt: instant('created_at'),
  },
  (table) => [
    // emails are unique whatever their case
    uniqueIndex('customers_email_key').on(sql`lower(${table.email})`),
    index('customers_created_idx').on(table.createdAt, table.id),
    // customers(search): an e-mail prefix whatever its case (a pattern-ops btree serves like)
    index('customers_email_prefix_idx').on(sql`lower(${table.email}) text_pattern_ops`),
    // customers(search): a prefix of any word of the name (a GIN index serves prefix tsqueries)
    index('customers_name_words_idx').using('gin', sql`to_tsvector('simple', ${table.name})`),
  ],
);

export const addresses = pgTable(
  'addresses',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    line1: text('line1').notNull(),
    line2: text('line2'),
    city: text('city').notNull(),
    region: text('region'),
    postalCode: text('postal_code').notNull(),
    country: text('country').notNull(),
    createdAt: instant('created_at'),
  },
  (table) => [index('addresses_customer_idx').on(table.customerId, table.createdAt)],
);

export type CustomerRow = typeof customers.$inferSelect;
export type AddressRow = typeof addresses.$inferSelect;

export const NOTIFICATION_KINDS = [
  'ORDER_CONFIRMED',
  'ORDER_SHIPPED',
  'OUT_FOR_DELIVERY',
  'ORDER_DELIVERED',
  'ORDER_CANCELLED',
  'REFUND_ISSUED',
  'INVOICE_ISSUED',
  'ORDER_NOTE',
] as const;
export const NOTIFICATION_CHANNELS = ['EMAIL', 'LOG'] as const;

export const notificationKind = pgEnum('notification_kind', NOTIFICATION_KINDS);
export const notificationChannel = pgEnum('notification_channel', NOTIFICATION_CHANNELS);

const moment = (name: string) =>
  timestamp(name, { withTimezone: true, mode: 'date', precision: 3 });

/**
 * What a customer is told about their orders, one row per producer event (the source key), and
 * the outbox of its delivery: the dispatcher sends rows without `deliveredAt` once committed.
 */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    // newest-first paging needs a total order; timestamps of one transaction are equal
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    kind: notificationKind('kind').notNull(),
    title: text('title').notNull(),
    message: text('message').notNull(),
    orderId: text('order_id'),
    orderNumber: text('order_number'),
    shipmentId: text('shipment_id'),
    sourceService: text('source_service').notNull(),
    sourceSeq: bigint('source_seq', { mode: 'number' }).notNull(),
    createdAt: instant('created_at'),
    readAt: moment('read_at'),
    channel: notificationChannel('channel'),
    deliveredAt: moment('delivered_at'),
    attempts: integer('attempts').notNull().default(0),
    // null once the dispatcher has given up
    nextAttemptAt: moment('next_attempt_at').defaultNow(),
    lastError: text('last_error'),
  },
  (table) => [
    uniqueIndex('notifications_source_key').on(table.sourceService, table.sourceSeq),
    uniqueIndex('notifications_seq_key').on(table.seq),
    index('notifications_customer_idx').on(table.customerId, table.seq),
    index('notifications_order_idx').on(table.orderId),
    index('notifications_due_idx')
      .on(table.nextAttemptAt)
      .where(sql`${table.deliveredAt} is null`),
  ],
);

export type NotificationRow = typeof notifications.$inferSelect;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];
