import {
  bigint,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import type { Actor } from '@ordergraph/shared';
import { instant } from '@ordergraph/shared/tables';
import { orderLines, orders } from './orders.js';

export const RETURN_STATUSES = [
  'REQUESTED',
  'APPROVED',
  'REJECTED',
  'RECEIVED',
  'REFUNDED',
] as const;
export const RETURN_DISPOSITIONS = ['RESTOCK', 'WRITE_OFF'] as const;

export const returnStatus = pgEnum('return_status', RETURN_STATUSES);
export const returnDisposition = pgEnum('return_disposition', RETURN_DISPOSITIONS);

const moment = (name: string) =>
  timestamp(name, { withTimezone: true, mode: 'date', precision: 3 });

/** A customer's request to send back units of a delivered order, and how it was settled. */
export const returns = pgTable(
  'returns',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id),
    // the order's customer, kept here so that a return's reader is checked without the order
    customerId: uuid('customer_id').notNull(),
    status: returnStatus('status').notNull(),
    reason: text('reason').notNull(),
    rejectionReason: text('rejection_reason'),
    /** the subject of whoever asked for it: the customer or a staff member */
    requestedBy: text('requested_by').notNull(),
    currency: text('currency').notNull(),
    refundedAmount: bigint('refunded_amount', { mode: 'number' }),
    // refusals so far: each attempt asks the provider under a new idempotency key
    refundAttempts: integer('refund_attempts').notNull().default(0),
    requestedAt: instant('requested_at'),
    updatedAt: instant('updated_at'),
    decidedAt: moment('decided_at'),
    receivedAt: moment('received_at'),
    refundedAt: moment('refunded_at'),
  },
  (table) => [index('returns_order_idx').on(table.orderId, table.requestedAt)],
);

/** The units of one order line a return sends back, and where they went once received. */
export const returnLines = pgTable(
  'return_lines',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    returnId: uuid('return_id')
      .notNull()
      .references(() => returns.id),
    orderLineId: uuid('order_line_id')
      .notNull()
      .references(() => orderLines.id),
    position: integer('position').notNull(),
    sku: text('sku').notNull(),
    quantity: integer('quantity').notNull(),
    /** what these units are worth when refunded, fixed when the return is requested */
    amount: bigint('amount', { mode: 'number' }).notNull(),
    disposition: returnDisposition('disposition'),
    restockWarehouseId: text('restock_warehouse_id'),
  },
  (table) => [
    uniqueIndex('return_lines_return_line_key').on(table.returnId, table.orderLineId),
    index('return_lines_order_line_idx').on(table.orderLineId),
  ],
);

export const REFUND_STATUSES = ['PENDING', 'REFUNDED', 'FAILED'] as const;
export const refundStatus = pgEnum('refund_status', REFUND_STATUSES);

/**
 * One refund through the payment provider against one capture of the order's payment (a
 * return's refund spans several captures when its lines shipped separately). Written PENDING
 * before the provider is asked, outside any transaction, under `providerKey`; settled after.
 */
export const refunds = pgTable(
  'refunds',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    returnId: uuid('return_id')
      .notNull()
      .references(() => returns.id),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id),
    /** the provider's id of the capture paid back */
    captureId: text('capture_id').notNull(),
    /** the provider's idempotency key: a resumed attempt gets the provider's first answer */
    providerKey: text('provider_key').notNull(),
    amount: bigint('amount', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    status: refundStatus('status').notNull(),
    providerRefundId: text('provider_refund_id'),
    failureReason: text('failure_reason'),
    /** who asked for the refund: its event names them even when recovery finishes it */
    actor: jsonb('actor').$type<Actor>(),
    createdAt: instant('created_at'),
    // written, or last picked up to be finished: recovery finishes refunds left idle too long
    touchedAt: instant('touched_at'),
    settledAt: moment('settled_at'),
  },
  (table) => [
    uniqueIndex('refunds_provider_key').on(table.providerKey),
    index('refunds_order_idx').on(table.orderId),
    index('refunds_return_idx').on(table.returnId),
    // the ledger export walks settled refunds by time (billing/ledger.repository.ts)
    index('refunds_settled_idx').on(table.settledAt),
    index('refunds_pending_idx')
      .on(table.touchedAt)
      .where(sql`${table.status} = 'PENDING'`),
  ],
);

export type ReturnRow = typeof returns.$inferSelect;
export type ReturnLineRow = typeof returnLines.$inferSelect;
export type RefundRow = typeof refunds.$inferSelect;
export type ReturnStatus = (typeof RETURN_STATUSES)[number];
export type ReturnDisposition = (typeof RETURN_DISPOSITIONS)[number];
export type RefundStatus = (typeof REFUND_STATUSES)[number];
