import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  boolean,
  check,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { SHIPMENT_STATUSES, type ShipmentStatus } from '../shipment-status.js';

import type { ActorKind } from '@ordergraph/shared';

export {
  eventLog,
  eventCursors,
  idempotencyKeys,
  leases,
  parkedEvents,
} from '@ordergraph/shared/tables';

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

// a typo in a status written by hand (or by a later migration) fails loudly
const statusCheck = (column: AnyPgColumn) =>
  sql`${column} in (${sql.raw(SHIPMENT_STATUSES.map((status) => `'${status}'`).join(', '))})`;

/**
 * The carriers shipments can travel with: the reference ones come with a migration, others are
 * added with createCarrier.
 */
export const carriers = pgTable('carriers', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  /** the carrier's tracking page, with `{trackingNumber}` where the number goes */
  trackingUrlTemplate: text('tracking_url_template').notNull(),
  /** business days the carrier usually takes from hand-over to delivery */
  transitDays: integer('transit_days').notNull().default(3),
  /** an inactive carrier takes no new parcels; those it has keep being tracked */
  active: boolean('active').notNull().default(true),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
  updatedAt: timestamptz('updated_at').notNull().defaultNow(),
});

export const shipments = pgTable(
  'shipments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    // ids owned by other services are text: their format is theirs to choose
    orderId: text('order_id').notNull(),
    // kept here so that ownership is checked without asking the orders service
    customerId: text('customer_id').notNull(),
    warehouseId: text('warehouse_id').notNull(),
    status: text('status').$type<ShipmentStatus>().notNull().default('PENDING'),
    carrierCode: text('carrier_code').references(() => carriers.code),
    trackingNumber: text('tracking_number'),
    trackingUrl: text('tracking_url'),
    estimatedDeliveryAt: timestamptz('estimated_delivery_at'),
    shippedAt: timestamptz('shipped_at'),
    deliveredAt: timestamptz('delivered_at'),
    // when the carrier event that set the status happened; null while the warehouse set it.
    // an older carrier report must not undo a newer one
    statusReportedAt: timestamptz('status_reported_at'),
    // the clock, not the transaction start: an order's shipments, made in one transaction,
    // keep the order of its allocations
    createdAt: timestamptz('created_at')
      .notNull()
      .default(sql`clock_timestamp()`),
    updatedAt: timestamptz('updated_at')
      .notNull()
      .default(sql`clock_timestamp()`),
  },
  (table) => [
    index('shipments_order_idx').on(table.orderId, table.createdAt),
    // one shipment per warehouse of an order, however often the order is announced
    uniqueIndex('shipments_order_warehouse_key').on(table.orderId, table.warehouseId),
    index('shipments_customer_idx').on(table.customerId, table.createdAt),
    index('shipments_status_idx').on(table.status, table.createdAt),
    // a carrier's tracking number names one parcel
    uniqueIndex('shipments_tracking_key').on(table.carrierCode, table.trackingNumber),
    check('shipments_status_check', statusCheck(table.status)),
  ],
);

export const shipmentLines = pgTable(
  'shipment_lines',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    shipmentId: uuid('shipment_id')
      .notNull()
      .references(() => shipments.id),
    orderLineId: text('order_line_id').notNull(),
    sku: text('sku').notNull(),
    quantity: integer('quantity').notNull(),
  },
  (table) => [
    uniqueIndex('shipment_lines_order_line_key').on(table.shipmentId, table.orderLineId),
    check('shipment_lines_quantity_check', sql`${table.quantity} > 0`),
  ],
);

export const trackingEvents = pgTable(
  'tracking_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    shipmentId: uuid('shipment_id')
      .notNull()
      .references(() => shipments.id),
    status: text('status').$type<ShipmentStatus>().notNull(),
    description: text('description').notNull(),
    location: text('location'),
    occurredAt: timestamptz('occurred_at').notNull(),
    // carriers deliver the same scan more than once; the key makes the second a no-op
    dedupeKey: text('dedupe_key').notNull(),
    // who reported it (the carrier by its code, or staff): in the row, no statement more
    actorKind: text('actor_kind').$type<ActorKind>(),
    actorId: text('actor_id'),
    actorName: text('actor_name'),
    recordedAt: timestamptz('recorded_at').notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('tracking_events_dedupe_key').on(table.shipmentId, table.dedupeKey),
    index('tracking_events_shipment_idx').on(table.shipmentId, table.occurredAt),
    check('tracking_events_status_check', statusCheck(table.status)),
  ],
);

/**
 * Orders whose shipments were cancelled: a shipment the order would still get (its
 * `order.placed` not yet handled) is never created.
 */
export const cancelledOrders = pgTable('cancelled_orders', {
  orderId: text('order_id').primaryKey(),
  cancelledAt: timestamptz('cancelled_at').notNull().defaultNow(),
});

export type CarrierRow = typeof carriers.$inferSelect;
export type ShipmentRow = typeof shipments.$inferSelect;
export type ShipmentLineRow = typeof shipmentLines.$inferSelect;
export type TrackingEventRow = typeof trackingEvents.$inferSelect;
