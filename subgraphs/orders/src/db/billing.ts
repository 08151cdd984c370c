import {
  bigint,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { instant } from '@ordergraph/shared/tables';
import { orderLines, orders } from './orders.js';
import { returns } from './returns.js';
import { paymentCaptures } from './lifecycle.js';

const minorUnits = (name: string) => bigint(name, { mode: 'number' }).notNull();

/** A party named on a document, as it stood when the document was issued. */
export interface Party {
  name: string;
  lines: string[];
  taxId: string | null;
}

/**
 * The last number given in each series and year. Issuing a document increments its row in the
 * issuing transaction: the row stays locked until commit, and a rollback gives the number back,
 * so numbers are gapless and never reused.
 */
export const documentCounters = pgTable(
  'document_counters',
  {
    series: text('series').notNull(),
    year: integer('year').notNull(),
    lastNumber: integer('last_number').notNull(),
  },
  (table) => [primaryKey({ columns: [table.series, table.year] })],
);

/** An invoice: what was charged, fixed once issued (a trigger refuses updates and deletes). */
export const invoices = pgTable(
  'invoices',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** e.g. INV-2026-000123 */
    number: text('number').notNull(),
    series: text('series').notNull(),
    year: integer('year').notNull(),
    sequence: integer('sequence').notNull(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id),
    customerId: uuid('customer_id').notNull(),
    currency: text('currency').notNull(),
    seller: jsonb('seller').$type<Party>().notNull(),
    buyer: jsonb('buyer').$type<Party>().notNull(),
    /** the goods at their unit prices, before discount */
    subtotal: minorUnits('subtotal'),
    discountTotal: minorUnits('discount_total'),
    shippingTotal: minorUnits('shipping_total'),
    taxTotal: minorUnits('tax_total'),
    total: minorUnits('total'),
    /** the tax label of the buyer's country (VAT, MwSt, Sales tax, ...) */
    taxLabel: text('tax_label').notNull(),
    /** the payment provider's capture ids this invoice was paid by */
    paymentReference: text('payment_reference').notNull(),
    issuedAt: instant('issued_at'),
  },
  (table) => [
    uniqueIndex('invoices_number_key').on(table.number),
    uniqueIndex('invoices_series_sequence_key').on(table.series, table.year, table.sequence),
    index('invoices_order_idx').on(table.orderId),
    index('invoices_issued_idx').on(table.issuedAt, table.id),
  ],
);

/** A line of an invoice; shipping is a line of its own with no order line. */
export const invoiceLines = pgTable(
  'invoice_lines',
  {
    invoiceId: uuid('invoice_id')
      .notNull()
      .references(() => invoices.id),
    position: integer('position').notNull(),
    orderLineId: uuid('order_line_id').references(() => orderLines.id),
    description: text('description').notNull(),
    quantity: integer('quantity').notNull(),
    unitPrice: minorUnits('unit_price'),
    discount: minorUnits('discount'),
    /** quantity * unit price - discount */
    net: minorUnits('net'),
    taxRateBasisPoints: integer('tax_rate_basis_points').notNull(),
    taxAmount: minorUnits('tax_amount'),
    total: minorUnits('total'),
  },
  (table) => [primaryKey({ columns: [table.invoiceId, table.position] })],
);

/** Which captures an invoice covers: a capture is invoiced once. */
export const invoiceCaptures = pgTable(
  'invoice_captures',
  {
    shipmentId: uuid('shipment_id')
      .primaryKey()
      .references(() => paymentCaptures.shipmentId),
    invoiceId: uuid('invoice_id')
      .notNull()
      .references(() => invoices.id),
  },
  (table) => [index('invoice_captures_invoice_idx').on(table.invoiceId)],
);

/** A credit note: a refund against one invoice, fixed once issued like an invoice. */
export const creditNotes = pgTable(
  'credit_notes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    number: text('number').notNull(),
    series: text('series').notNull(),
    year: integer('year').notNull(),
    sequence: integer('sequence').notNull(),
    invoiceId: uuid('invoice_id')
      .notNull()
      .references(() => invoices.id),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id),
    customerId: uuid('customer_id').notNull(),
    returnId: uuid('return_id')
      .notNull()
      .references(() => returns.id),
    currency: text('currency').notNull(),
    seller: jsonb('seller').$type<Party>().notNull(),
    buyer: jsonb('buyer').$type<Party>().notNull(),
    /** what is credited before tax */
    netTotal: minorUnits('net_total'),
    taxTotal: minorUnits('tax_total'),
    total: minorUnits('total'),
    taxLabel: text('tax_label').notNull(),
    reason: text('reason').notNull(),
    /** the payment provider's refund ids */
    refundReference: text('refund_reference').notNull(),
    issuedAt: instant('issued_at'),
  },
  (table) => [
    uniqueIndex('credit_notes_number_key').on(table.number),
    uniqueIndex('credit_notes_series_sequence_key').on(table.series, table.year, table.sequence),
    uniqueIndex('credit_notes_return_invoice_key').on(table.returnId, table.invoiceId),
    index('credit_notes_order_idx').on(table.orderId),
    index('credit_notes_issued_idx').on(table.issuedAt, table.id),
  ],
);

export const creditNoteLines = pgTable(
  'credit_note_lines',
  {
    creditNoteId: uuid('credit_note_id')
      .notNull()
      .references(() => creditNotes.id),
    position: integer('position').notNull(),
    orderLineId: uuid('order_line_id').references(() => orderLines.id),
    description: text('description').notNull(),
    quantity: integer('quantity').notNull(),
    net: minorUnits('net'),
    taxRateBasisPoints: integer('tax_rate_basis_points').notNull(),
    taxAmount: minorUnits('tax_amount'),
    total: minorUnits('total'),
  },
  (table) => [primaryKey({ columns: [table.creditNoteId, table.position] })],
);

export type InvoiceRow = typeof invoices.$inferSelect;
export type InvoiceLineRow = typeof invoiceLines.$inferSelect;
export type CreditNoteRow = typeof creditNotes.$inferSelect;
export type CreditNoteLineRow = typeof creditNoteLines.$inferSelect;
