import { sql } from 'drizzle-orm';
import {
  bigint,
  index,
  integer,
  jsonb,
  pgEnum,
  pgSequence,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { SagaStep } from '../order-saga.js';

export {
  eventLog,
  eventCursors,
  idempotencyKeys,
  leases,
  parkedEvents,
} from '@ordergraph/shared/tables';
// returns and refunds live in their own file; drizzle-kit reads them through this module
export * from './returns.js';
// what orders learns of its shipments, payment captures and the test payment provider's records
export * from './lifecycle.js';
// invoices and credit notes (src/billing/)
export * from './billing.js';
// background export jobs and their files (export-jobs/)
export * from './export-jobs.js';
// notes staff write on orders
export * from './notes.js';
import { instant } from '@ordergraph/shared/tables';

export const ORDER_STATUSES = [
  'CONFIRMED',
  'PROCESSING',
  'PARTIALLY_SHIPPED',
  'SHIPPED',
  'DELIVERED',
  'CANCELLED',
  'PARTIALLY_RETURNED',
  'RETURNED',
] as const;
export const PAYMENT_STATUSES = [
  'AUTHORIZED',
  'CAPTURED',
  'PARTIALLY_REFUNDED',
  'REFUNDED',
  'VOIDED',
] as const;

export const orderStatus = pgEnum('order_status', ORDER_STATUSES);
export const paymentStatus = pgEnum('payment_status', PAYMENT_STATUSES);
export const orderRequestStatus = pgEnum('order_request_status', ['PENDING', 'COMPLETED']);

export const orderNumberSeq = pgSequence('order_number_seq', { startWith: 100001 });

const minorUnits = (name: string) => bigint(name, { mode: 'number' }).notNull();

export const orders = pgTable(
  'orders',
  {
    id: uuid('id').primaryKey(),
    number: text('number')
      .notNull()
      .default(sql`('OG-' || nextval('order_number_seq'))`),
    customerId: uuid('customer_id').notNull(),
    status: orderStatus('status').notNull(),
    paymentStatus: paymentStatus('payment_status').notNull(),
    currency: text('currency').notNull(),
    subtotal: minorUnits('subtotal'),
    discountTotal: minorUnits('discount_total'),
    shippingTotal: minorUnits('shipping_total'),
    taxTotal: minorUnits('tax_total'),
    total: minorUnits('total'),
    promoCode: text('promo_code'),
    shipName: text('ship_name').notNull(),
    shipLine1: text('ship_line1').notNull(),
    shipLine2: text('ship_line2'),
    shipCity: text('ship_city').notNull(),
    shipRegion: text('ship_region'),
    shipPostalCode: text('ship_postal_code').notNull(),
    shipCountry: text('ship_country').notNull(),
    placedAt: instant('placed_at'),
    updatedAt: instant('updated_at'),
  },
  (table) => [
    uniqueIndex('orders_number_key').on(table.number),
    index('orders_customer_placed_idx').on(table.customerId, table.placedAt, table.id),
    // staff search (order-search.repository.ts): each filter and sort has an index to walk
    index('orders_placed_idx').on(table.placedAt, table.id),
    index('orders_total_idx').on(table.total, table.id),
    index('orders_status_placed_idx').on(table.status, table.placedAt, table.id),
    index('orders_payment_status_placed_idx').on(table.paymentStatus, table.placedAt, table.id),
    // a number prefix is a LIKE 'OG-1000%': the pattern ops serve it whatever the collation
    index('orders_number_pattern_idx').on(table.number.op('text_pattern_ops')),
  ],
);

export const orderLines = pgTable(
  'order_lines',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id),
    position: integer('position').notNull(),
    sku: text('sku').notNull(),
    quantity: integer('quantity').notNull(),
    unitPrice: minorUnits('unit_price'),
    total: minorUnits('total'),
  },
  (table) => [
    uniqueIndex('order_lines_order_position_key').on(table.orderId, table.position),
    // staff search by SKU
    index('order_lines_sku_idx').on(table.sku, table.orderId),
  ],
);

export const payments = pgTable(
  'payments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id),
    provider: text('provider').notNull(),
    authorizationId: text('authorization_id').notNull(),
    amount: minorUnits('amount'),
    currency: text('currency').notNull(),
    status: paymentStatus('status').notNull(),
    createdAt: instant('created_at'),
    updatedAt: instant('updated_at'),
  },
  (table) => [index('payments_order_idx').on(table.orderId)],
);

/** Which warehouse holds the reserved stock of each order line; shipments are cut from these. */
export const allocations = pgTable(
  'allocations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id),
    orderLineId: uuid('order_line_id')
      .notNull()
      .references(() => orderLines.id),
    warehouseId: text('warehouse_id').notNull(),
    quantity: integer('quantity').notNull(),
  },
  (table) => [
    index('allocations_order_idx').on(table.orderId),
    // staff search by warehouse
    index('allocations_warehouse_idx').on(table.warehouseId, table.orderId),
  ],
);

/**
 * placeOrder's idempotency across the saga: the claim is taken before any other service is
 * called and completed in the transaction that writes the order (or with the error result).
 * It is also the saga's durable state: the steps begun, so that any replica can undo or finish
 * them after a crash (see order-saga.ts and saga-recovery.ts).
 */
export const orderRequests = pgTable(
  'order_requests',
  {
    scope: text('scope').notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    requestHash: text('request_hash').notNull(),
    status: orderRequestStatus('status').notNull(),
    // fixed at claim time: it is also the stock reservation id and the payment idempotency key
    orderId: uuid('order_id').notNull(),
    // who runs the saga now: a stale claim is taken over under a new attempt
    attempt: uuid('attempt').notNull(),
    result: jsonb('result').$type<Record<string, unknown>>(),
    // refreshed whenever the saga records a step: a row left alone for long was abandoned
    claimedAt: instant('claimed_at'),
    completedAt: timestamp('completed_at', { withTimezone: true, mode: 'date', precision: 3 }),
    // each recorded before its call, since a call whose answer never came may still have acted
    steps: text('steps')
      .array()
      .$type<SagaStep[]>()
      .notNull()
      .default(sql`'{}'::text[]`),
    // the payment provider's id of the authorization, once it answered
    authorizationId: text('authorization_id'),
    // when nothing was left to do: the reservation confirmed, or every step undone
    settledAt: timestamp('settled_at', { withTimezone: true, mode: 'date', precision: 3 }),
  },
  (table) => [
    primaryKey({ columns: [table.scope, table.idempotencyKey] }),
    index('order_requests_unsettled_idx')
      .on(table.claimedAt)
      .where(sql`${table.settledAt} is null`),
  ],
);

/**
 * A cancelOrder under way: written before the shipments service is asked, settled in the
 * transaction that cancels the order (or when something had shipped), so that the saga
 * recovery finishes a cancellation whose process died half-way (see cancel-order.ts).
 */
export const orderCancellations = pgTable(
  'order_cancellations',
  {
    orderId: uuid('order_id')
      .primaryKey()
      .references(() => orders.id),
    reason: text('reason'),
    // "customer" or "staff", as order.cancelled records it
    cancelledBy: text('cancelled_by').notNull(),
    // refreshed by every attempt: one left alone for long was abandoned
    touchedAt: instant('touched_at'),
    settledAt: timestamp('settled_at', { withTimezone: true, mode: 'date', precision: 3 }),
  },
  (table) => [
    index('order_cancellations_unsettled_idx')
      .on(table.touchedAt)
      .where(sql`${table.settledAt} is null`),
  ],
);

export type OrderRow = typeof orders.$inferSelect;
export type OrderLineRow = typeof orderLines.$inferSelect;
export type PaymentRow = typeof payments.$inferSelect;
export type AllocationRow = typeof allocations.$inferSelect;
export type OrderRequestRow = typeof orderRequests.$inferSelect;
export type OrderCancellationRow = typeof orderCancellations.$inferSelect;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];
