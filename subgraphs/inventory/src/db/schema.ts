import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  check,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

import type { ActorKind } from '@ordergraph/shared';

export {
  eventLog,
  eventCursors,
  idempotencyKeys,
  leases,
  parkedEvents,
} from '@ordergraph/shared/tables';

export const warehouses = pgTable(
  'warehouses',
  {
    id: text('id').primaryKey(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    // the street address; null for warehouses made before it was asked for
    line1: text('line1'),
    line2: text('line2'),
    city: text('city').notNull(),
    region: text('region'),
    postalCode: text('postal_code'),
    country: text('country').notNull(),
    // lower ships first; ties are broken by code
    priority: integer('priority').notNull(),
    // an inactive warehouse keeps its stock and history but is never allocated and takes no receipts
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('warehouses_code_key').on(table.code)],
);

export const stockLevels = pgTable(
  'stock_levels',
  {
    sku: text('sku').notNull(),
    warehouseId: text('warehouse_id')
      .notNull()
      .references(() => warehouses.id),
    onHand: integer('on_hand').notNull().default(0),
    reserved: integer('reserved').notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.sku, table.warehouseId] }),
    // the last line of defence against overselling, whatever the code above does
    check('stock_levels_on_hand_check', sql`${table.onHand} >= 0`),
    check('stock_levels_reserved_check', sql`${table.reserved} >= 0`),
    check('stock_levels_reserved_le_on_hand_check', sql`${table.reserved} <= ${table.onHand}`),
  ],
);

/** ACTIVE holds stock; RELEASED gave back what it held; FULFILLED shipped all of it. */
export type ReservationStatus = 'ACTIVE' | 'RELEASED' | 'FULFILLED';

export const reservations = pgTable(
  'reservations',
  {
    // chosen by the caller (the order's id), so a retried call finds the first reservation
    id: text('id').primaryKey(),
    status: text('status').$type<ReservationStatus>().notNull(),
    // hash of the requested lines; null for a release that arrived before its reservation
    requestHash: text('request_hash'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    // when the order it was made for was placed; until then it expires (RESERVATION_TTL_MS)
    confirmedAt: timestamp('confirmed_at', { withTimezone: true, mode: 'date' }),
  },
  (table) => [
    index('reservations_unconfirmed_idx')
      .on(table.createdAt)
      .where(sql`${table.status} = 'ACTIVE' and ${table.confirmedAt} is null`),
  ],
);

/** RESERVED is held; RELEASED was given back; SHIPPED left the warehouse. */
export type AllocationStatus = 'RESERVED' | 'RELEASED' | 'SHIPPED';

export const reservationAllocations = pgTable(
  'reservation_allocations',
  {
    reservationId: text('reservation_id')
      .notNull()
      .references(() => reservations.id),
    sku: text('sku').notNull(),
    warehouseId: text('warehouse_id')
      .notNull()
      .references(() => warehouses.id),
    quantity: integer('quantity').notNull(),
    // keeps the order the allocation was made in (lines, then warehouses)
    position: integer('position').notNull(),
    status: text('status').$type<AllocationStatus>().notNull().default('RESERVED'),
  },
  (table) => [
    primaryKey({ columns: [table.reservationId, table.sku, table.warehouseId] }),
    check('reservation_allocations_quantity_check', sql`${table.quantity} > 0`),
  ],
);

/** What a movement did to a stock level; see `MOVEMENT_RULES` in ledger.ts for the signs. */
export type StockMovementKind =
  | 'RECEIPT'
  | 'PURCHASE_RECEIPT'
  | 'RESERVATION'
  | 'RELEASE'
  | 'SALE'
  | 'RETURN'
  | 'ADJUSTMENT'
  | 'WRITE_OFF';

/** Why a stock count was corrected by hand. */
export type AdjustmentReason = 'COUNT_CORRECTION' | 'DAMAGED' | 'LOST' | 'FOUND' | 'OTHER';

/**
 * Append-only ledger: every change of a stock level, with what caused it and who. The levels in
 * `stock_levels` are the sum of these changes (see rebuildStockLevels).
 */
export const stockMovements = pgTable(
  'stock_movements',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    sku: text('sku').notNull(),
    warehouseId: text('warehouse_id')
      .notNull()
      .references(() => warehouses.id),
    kind: text('kind').$type<StockMovementKind>().notNull(),
    // units moved, whatever the direction
    quantity: integer('quantity').notNull(),
    onHandChange: integer('on_hand_change').notNull(),
    reservedChange: integer('reserved_change').notNull(),
    reference: text('reference'),
    // who caused it: the id (a user, a carrier code, a partner client, a service), kind and name
    actor: text('actor'),
    actorKind: text('actor_kind').$type<ActorKind>(),
    actorName: text('actor_name'),
    reason: text('reason').$type<AdjustmentReason>(),
    note: text('note'),
    occurredAt: timestamp('occurred_at', { withTimezone: true, mode: 'date' })
      .notNull()
      .defaultNow(),
  },
  (table) => [
    index('stock_movements_sku_idx').on(table.sku, table.id),
    index('stock_movements_warehouse_idx').on(table.warehouseId, table.id),
    // a warehouse's recent sales of a SKU, for replenishment (purchasing/replenishment.ts)
    index('stock_movements_sales_idx')
      .on(table.warehouseId, table.sku, table.occurredAt)
      .where(sql`${table.kind} = 'SALE'`),
    check('stock_movements_quantity_check', sql`${table.quantity} > 0`),
    check(
      'stock_movements_change_check',
      sql`${table.onHandChange} <> 0 or ${table.reservedChange} <> 0`,
    ),
  ],
);

/** The available quantity at or below which a stock level is low; the default applies otherwise. */
export const lowStockThresholds = pgTable(
  'low_stock_thresholds',
  {
    sku: text('sku').notNull(),
    warehouseId: text('warehouse_id')
      .notNull()
      .references(() => warehouses.id),
    threshold: integer('threshold').notNull(),
    updatedBy: text('updated_by'),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.sku, table.warehouseId] }),
    check('low_stock_thresholds_threshold_check', sql`${table.threshold} >= 0`),
  ],
);

/** One row per return restocked into a warehouse: makes restockReturn idempotent. */
export const returnRestocks = pgTable(
  'return_restocks',
  {
    returnId: text('return_id').notNull(),
    warehouseId: text('warehouse_id')
      .notNull()
      .references(() => warehouses.id),
    requestHash: text('request_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.returnId, table.warehouseId] })],
);

export type WarehouseRow = typeof warehouses.$inferSelect;
export type StockLevelRow = typeof stockLevels.$inferSelect;
export type ReservationRow = typeof reservations.$inferSelect;
export type AllocationRow = typeof reservationAllocations.$inferSelect;
export type StockMovementRow = typeof stockMovements.$inferSelect;
export type LowStockThresholdRow = typeof lowStockThresholds.$inferSelect;

export * from '../purchasing/tables.js';
