import {
  bigint,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import type { Actor } from '@ordergraph/shared';
import { instant } from '@ordergraph/shared/tables';
import { orderLines, orders, payments } from './orders.js';

const minorUnits = (name: string) => bigint(name, { mode: 'number' }).notNull();
const moment = (name: string) =>
  timestamp(name, { withTimezone: true, mode: 'date', precision: 3 });

/**
 * The order's shipments as the shipments service reported them through its event feed: this
 * service's own copy, so that order status and payment captures follow without asking it.
 */
export const orderShipments = pgTable(
  'order_shipments',
  {
    /** the shipments service's id of the shipment */
    id: uuid('id').primaryKey(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id),
    warehouseId: text('warehouse_id').notNull(),
    /** the warehouse's short code (e.g. "EAST"), for the timeline's sentences */
    warehouseCode: text('warehouse_code').notNull(),
    /** a ShipmentStatus name; text, since the shipments service owns the list */
    status: text('status').notNull(),
    carrierCode: text('carrier_code'),
    trackingNumber: text('tracking_number'),
    trackingUrl: text('tracking_url'),
    /** the seq (in the shipments feed) of the last event applied: an event at or below it is old */
    lastEventSeq: bigint('last_event_seq', { mode: 'number' }).notNull(),
    createdAt: instant('created_at'),
    updatedAt: instant('updated_at'),
  },
  (table) => [index('order_shipments_order_idx').on(table.orderId)],
);

/** Which units of which order lines a shipment carries. */
export const orderShipmentLines = pgTable(
  'order_shipment_lines',
  {
    shipmentId: uuid('shipment_id')
      .notNull()
      .references(() => orderShipments.id),
    orderLineId: uuid('order_line_id')
      .notNull()
      .references(() => orderLines.id),
    quantity: integer('quantity').notNull(),
  },
  (table) => [primaryKey({ columns: [table.shipmentId, table.orderLineId] })],
);

export const CAPTURE_STATUSES = ['PENDING', 'CAPTURED', 'FAILED'] as const;
export const captureStatus = pgEnum('capture_status', CAPTURE_STATUSES);

/**
 * One capture of an order's authorization per shipped shipment: written PENDING (with its
 * amount) when the shipment ships, then taken through the payment provider outside any
 * transaction, with the shipment id as the provider's idempotency key.
 */
export const paymentCaptures = pgTable(
  'payment_captures',
  {
    shipmentId: uuid('shipment_id')
      .primaryKey()
      .references(() => orderShipments.id),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id),
    paymentId: uuid('payment_id')
      .notNull()
      .references(() => payments.id),
    amount: minorUnits('amount'),
    currency: text('currency').notNull(),
    status: captureStatus('status').notNull(),
    /** the provider's capture id, which refunds are made against */
    providerCaptureId: text('provider_capture_id'),
    failureReason: text('failure_reason'),
    /** who shipped the shipment that owes the capture: the capture's event names them */
    actor: jsonb('actor').$type<Actor>(),
    createdAt: instant('created_at'),
    settledAt: moment('settled_at'),
  },
  (table) => [
    index('payment_captures_order_idx').on(table.orderId),
    index('payment_captures_status_idx').on(table.status),
    // the ledger export walks settled captures by time (billing/ledger.repository.ts)
    index('payment_captures_settled_idx').on(table.settledAt),
  ],
);

/**
 * The test payment provider's own records. It stands for a system outside this service, so it
 * keeps them apart from the order tables; they live in this database only so that they survive
 * a restart.
 */
export const testPaymentAuthorizations = pgTable('test_payment_authorizations', {
  id: text('id').primaryKey(),
  amount: minorUnits('amount'),
  currency: text('currency').notNull(),
  captured: minorUnits('captured'),
  /** authorized, captured (at least in part) or voided */
  status: text('status').notNull(),
  createdAt: instant('created_at'),
});

export const testPaymentCaptures = pgTable('test_payment_captures', {
  id: text('id').primaryKey(),
  authorizationId: text('authorization_id')
    .notNull()
    .references(() => testPaymentAuthorizations.id),
  amount: minorUnits('amount'),
  refunded: minorUnits('refunded'),
  createdAt: instant('created_at'),
});

/** The provider's first answer to each idempotency key, returned again for a repeated call. */
export const testPaymentAnswers = pgTable('test_payment_answers', {
  key: text('key').primaryKey(),
  answer: jsonb('answer').$type<unknown>(),
  createdAt: instant('created_at'),
});

export type OrderShipmentRow = typeof orderShipments.$inferSelect;
export type OrderShipmentLineRow = typeof orderShipmentLines.$inferSelect;
export type PaymentCaptureRow = typeof paymentCaptures.$inferSelect;
export type CaptureStatus = (typeof CAPTURE_STATUSES)[number];
