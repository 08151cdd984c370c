import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { warehouses } from '../db/schema.js';

/** Companies the warehouses buy stock from. */
export const suppliers = pgTable(
  'suppliers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    contactEmail: text('contact_email').notNull(),
    // every cost and purchase order of the supplier is in this currency
    currencyCode: text('currency_code').notNull(),
    leadTimeDays: integer('lead_time_days').notNull(),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (table) => [
    index('suppliers_name_idx').on(table.name, table.id),
    check('suppliers_lead_time_check', sql`${table.leadTimeDays} >= 0`),
  ],
);

/** What a supplier sells: one SKU, at what cost, in which quantities, how fast. */
export const supplierItems = pgTable(
  'supplier_items',
  {
    supplierId: uuid('supplier_id')
      .notNull()
      .references(() => suppliers.id),
    sku: text('sku').notNull(),
    // the supplier's own code for the SKU, printed on its delivery notes
    supplierSku: text('supplier_sku').notNull(),
    unitCostMinor: integer('unit_cost_minor').notNull(),
    minimumOrderQuantity: integer('minimum_order_quantity').notNull(),
    packSize: integer('pack_size').notNull(),
    // null: the supplier's default lead time applies
    leadTimeDays: integer('lead_time_days'),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.supplierId, table.sku] }),
    index('supplier_items_sku_idx').on(table.sku),
    check('supplier_items_unit_cost_check', sql`${table.unitCostMinor} >= 0`),
    check('supplier_items_moq_check', sql`${table.minimumOrderQuantity} >= 1`),
    check('supplier_items_pack_size_check', sql`${table.packSize} >= 1`),
  ],
);

/** DRAFT -> SUBMITTED -> PARTIALLY_RECEIVED -> RECEIVED; CANCELLED from any open one. */
export type PurchaseOrderStatus =
  'DRAFT' | 'SUBMITTED' | 'PARTIALLY_RECEIVED' | 'RECEIVED' | 'CANCELLED';

export const purchaseOrders = pgTable(
  'purchase_orders',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    supplierId: uuid('supplier_id')
      .notNull()
      .references(() => suppliers.id),
    warehouseId: text('warehouse_id')
      .notNull()
      .references(() => warehouses.id),
    status: text('status').$type<PurchaseOrderStatus>().notNull().default('DRAFT'),
    currencyCode: text('currency_code').notNull(),
    createdBy: text('created_by'),
    cancelReason: text('cancel_reason'),
    expectedAt: timestamp('expected_at', { withTimezone: true, mode: 'date' }),
    submittedAt: timestamp('submitted_at', { withTimezone: true, mode: 'date' }),
    receivedAt: timestamp('received_at', { withTimezone: true, mode: 'date' }),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true, mode: 'date' }),
    // milliseconds, as JavaScript dates hold them: the list's cursor carries this value
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' })
      .notNull()
      .default(sql`date_trunc('milliseconds', now())`),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (table) => [
    index('purchase_orders_created_idx').on(table.createdAt, table.id),
    index('purchase_orders_warehouse_status_idx').on(table.warehouseId, table.status),
    index('purchase_orders_supplier_idx').on(table.supplierId, table.createdAt),
  ],
);

/** One SKU of a purchase order: its cost is the supplier's at the time the line was written. */
export const purchaseOrderLines = pgTable(
  'purchase_order_lines',
  {
    purchaseOrderId: uuid('purchase_order_id')
      .notNull()
      .references(() => purchaseOrders.id),
    sku: text('sku').notNull(),
    position: integer('position').notNull(),
    supplierSku: text('supplier_sku').notNull(),
    quantity: integer('quantity').notNull(),
    unitCostMinor: integer('unit_cost_minor').notNull(),
    leadTimeDays: integer('lead_time_days').notNull(),
    // good units stocked so far
    received: integer('received').notNull().default(0),
    // units that arrived damaged: recorded, never stocked
    damaged: integer('damaged').notNull().default(0),
  },
  (table) => [
    primaryKey({ columns: [table.purchaseOrderId, table.sku] }),
    index('purchase_order_lines_sku_idx').on(table.sku),
    check('purchase_order_lines_quantity_check', sql`${table.quantity} > 0`),
    check('purchase_order_lines_received_check', sql`${table.received} >= 0`),
    check('purchase_order_lines_damaged_check', sql`${table.damaged} >= 0`),
  ],
);

/** One delivery received against a purchase order. */
export const purchaseOrderReceipts = pgTable(
  'purchase_order_receipts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    purchaseOrderId: uuid('purchase_order_id')
      .notNull()
      .references(() => purchaseOrders.id),
    receivedBy: text('received_by'),
    receivedAt: timestamp('received_at', { withTimezone: true, mode: 'date' })
      .notNull()
      .defaultNow(),
  },
  (table) => [index('purchase_order_receipts_order_idx').on(table.purchaseOrderId, table.id)],
);

export const purchaseOrderReceiptLines = pgTable(
  'purchase_order_receipt_lines',
  {
    receiptId: bigint('receipt_id', { mode: 'number' })
      .notNull()
      .references(() => purchaseOrderReceipts.id),
    sku: text('sku').notNull(),
    position: integer('position').notNull(),
    quantity: integer('quantity').notNull(),
    damaged: integer('damaged').notNull(),
    unitCostMinor: integer('unit_cost_minor').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.receiptId, table.sku] }),
    check(
      'purchase_order_receipt_lines_units_check',
      sql`${table.quantity} >= 0 and ${table.damaged} >= 0 and ${table.quantity} + ${table.damaged} > 0`,
    ),
  ],
);

export type SupplierRow = typeof suppliers.$inferSelect;
export type SupplierItemRow = typeof supplierItems.$inferSelect;
export type PurchaseOrderRow = typeof purchaseOrders.$inferSelect;
export type PurchaseOrderLineRow = typeof purchaseOrderLines.$inferSelect;
export type PurchaseOrderReceiptRow = typeof purchaseOrderReceipts.$inferSelect;
export type PurchaseOrderReceiptLineRow = typeof purchaseOrderReceiptLines.$inferSelect;
