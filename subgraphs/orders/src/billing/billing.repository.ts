import { and, asc, desc, eq, gte, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { anyOf, type Database } from '@ordergraph/shared';
import {
  creditNoteLines,
  creditNotes,
  documentCounters,
  invoiceCaptures,
  invoiceLines,
  invoices,
  orderLines,
  orderShipmentLines,
  paymentCaptures,
  refunds,
  returnLines,
  returns,
  type CreditNoteLineRow,
  type CreditNoteRow,
  type InvoiceLineRow,
  type InvoiceRow,
  type OrderLineRow,
} from '../db/schema.js';

/** Where a page of documents starts: after the one issued at `issuedAt` with `id`. */
export interface DocumentCursor {
  issuedAt: string;
  id: string;
}

/** A capture not invoiced yet, with the units of its shipment. */
export interface UninvoicedCapture {
  shipmentId: string;
  amount: number;
  providerCaptureId: string | null;
  lines: { orderLineId: string; quantity: number }[];
}

/** The SQL of invoices and credit notes: plain functions over `db`. */
export function createBillingRepository({ db }: { db: Database }) {
  return {
    /**
     * The next number of a series in a year. The counter row stays locked until the caller's
     * transaction ends, and a rollback takes the increment back: no number is skipped or given
     * twice, whatever the concurrency.
     */
    async nextSequence(series: string, year: number): Promise<number> {
      const [row] = await db
        .insert(documentCounters)
        .values({ series, year, lastNumber: 1 })
        .onConflictDoUpdate({
          target: [documentCounters.series, documentCounters.year],
          set: { lastNumber: sql`${documentCounters.lastNumber} + 1` },
        })
        .returning({ lastNumber: documentCounters.lastNumber });
      return row!.lastNumber;
    },

    async findOrderLines(orderId: string): Promise<OrderLineRow[]> {
      return db
        .select()
        .from(orderLines)
        .where(eq(orderLines.orderId, orderId))
        .orderBy(asc(orderLines.position));
    },

    /** the order's settled captures no invoice covers yet, oldest first */
    async findUninvoicedCaptures(orderId: string): Promise<UninvoicedCapture[]> {
      const rows = await db
        .select({
          shipmentId: paymentCaptures.shipmentId,
          amount: paymentCaptures.amount,
          providerCaptureId: paymentCaptures.providerCaptureId,
          orderLineId: orderShipmentLines.orderLineId,
          quantity: orderShipmentLines.quantity,
        })
        .from(paymentCaptures)
        .leftJoin(invoiceCaptures, eq(invoiceCaptures.shipmentId, paymentCaptures.shipmentId))
        .innerJoin(
          orderShipmentLines,
          eq(orderShipmentLines.shipmentId, paymentCaptures.shipmentId),
        )
        .where(
          and(
            eq(paymentCaptures.orderId, orderId),
            eq(paymentCaptures.status, 'CAPTURED'),
            isNull(invoiceCaptures.shipmentId),
          ),
        )
        .orderBy(asc(paymentCaptures.settledAt), asc(paymentCaptures.shipmentId));
      const captures = new Map<string, UninvoicedCapture>();
      for (const { orderLineId, quantity, ...capture } of rows) {
        const found = captures.get(capture.shipmentId) ?? { ...capture, lines: [] };
        found.lines.push({ orderLineId, quantity });
        captures.set(capture.shipmentId, found);
      }
      return [...captures.values()];
    },

    /** whether the order has captures still to be settled */
    async hasPendingCaptures(orderId: string): Promise<boolean> {
      const [row] = await db
        .select({ shipmentId: paymentCaptures.shipmentId })
        .from(paymentCaptures)
        .where(and(eq(paymentCaptures.orderId, orderId), eq(paymentCaptures.status, 'PENDING')))
        .limit(1);
      return row !== undefined;
    },

    async findInvoicesByOrderIds(orderIds: readonly string[]): Promise<InvoiceRow[]> {
      if (orderIds.length === 0) return [];
      return db
        .select()
        .from(invoices)
        .where(anyOf(invoices.orderId, orderIds))
        .orderBy(asc(invoices.issuedAt), asc(invoices.sequence));
    },

    async findInvoicesByIds(ids: readonly string[]): Promise<InvoiceRow[]> {
      if (ids.length === 0) return [];
      return db.select().from(invoices).where(anyOf(invoices.id, ids));
    },

    async findInvoiceLines(invoiceIds: readonly string[]): Promise<InvoiceLineRow[]> {
      if (invoiceIds.length === 0) return [];
      return db
        .select()
        .from(invoiceLines)
        .where(anyOf(invoiceLines.invoiceId, invoiceIds))
        .orderBy(asc(invoiceLines.invoiceId), asc(invoiceLines.position));
    },

    async findCreditNotesByOrderIds(orderIds: readonly string[]): Promise<CreditNoteRow[]> {
      if (orderIds.length === 0) return [];
      return db
        .select()
        .from(creditNotes)
        .where(anyOf(creditNotes.orderId, orderIds))
        .orderBy(asc(creditNotes.issuedAt), asc(creditNotes.sequence));
    },

    async findCreditNotesByIds(ids: readonly string[]): Promise<CreditNoteRow[]> {
      if (ids.length === 0) return [];
      return db.select().from(creditNotes).where(anyOf(creditNotes.id, ids));
    },

    async findCreditNoteLines(creditNoteIds: readonly string[]): Promise<CreditNoteLineRow[]> {
      if (creditNoteIds.length === 0) return [];
      return db
        .select()
        .from(creditNoteLines)
        .where(anyOf(creditNoteLines.creditNoteId, creditNoteIds))
        .orderBy(asc(creditNoteLines.creditNoteId), asc(creditNoteLines.position));
    },

    /** a page of invoices, newest first, issued in [from, to) and, given one, with that number */
    async listInvoices({
      from,
      to,
      number,
      limit,
      after,
    }: {
      from: Date | null;
      to: Date | null;
      number: string | null;
      limit: number;
      after: DocumentCursor | null;
    }): Promise<InvoiceRow[]> {
      const conditions: (SQL | undefined)[] = [
        from ? gte(invoices.issuedAt, from) : undefined,
        to ? lt(invoices.issuedAt, to) : undefined,
        number ? eq(invoices.number, number) : undefined,
      ];
      if (after) {
        const at = new Date(after.issuedAt);
        conditions.push(
          or(lt(invoices.issuedAt, at), and(eq(invoices.issuedAt, at), lt(invoices.id, after.id))),
        );
      }
      return db
        .select()
        .from(invoices)
        .where(and(...conditions))
        .orderBy(desc(invoices.issuedAt), desc(invoices.id))
        .limit(limit);
    },

    async insertInvoice(
      invoice: typeof invoices.$inferInsert,
      lines: Omit<typeof invoiceLines.$inferInsert, 'invoiceId'>[],
      shipmentIds: readonly string[],
    ): Promise<InvoiceRow> {
      const [row] = await db.insert(invoices).values(invoice).returning();
      await db.insert(invoiceLines).values(lines.map((line) => ({ ...line, invoiceId: row!.id })));
      await db
        .insert(invoiceCaptures)
        .values(shipmentIds.map((shipmentId) => ({ shipmentId, invoiceId: row!.id })));
      return row!;
    },

    async insertCreditNote(
      note: typeof creditNotes.$inferInsert,
      lines: Omit<typeof creditNoteLines.$inferInsert, 'creditNoteId'>[],
    ): Promise<CreditNoteRow> {
      const [row] = await db.insert(creditNotes).values(note).returning();
      if (lines.length > 0) {
        await db
          .insert(creditNoteLines)
          .values(lines.map((line) => ({ ...line, creditNoteId: row!.id })));
      }
      return row!;
    },

    /**
     * A return's settled refunds with the invoice of the capture each paid back, and whether a
     * credit note already covers that invoice for this return.
     */
    async findRefundsToCredit(returnId: string) {
      return db
        .select({
          refundId: refunds.id,
          amount: refunds.amount,
          providerRefundId: refunds.providerRefundId,
          invoiceId: invoiceCaptures.invoiceId,
          credited: creditNotes.id,
        })
        .from(refunds)
        .innerJoin(paymentCaptures, eq(paymentCaptures.providerCaptureId, refunds.captureId))
        .innerJoin(invoiceCaptures, eq(invoiceCaptures.shipmentId, paymentCaptures.shipmentId))
        .leftJoin(
          creditNotes,
          and(
            eq(creditNotes.returnId, refunds.returnId),
            eq(creditNotes.invoiceId, invoiceCaptures.invoiceId),
          ),
        )
        .where(and(eq(refunds.returnId, returnId), eq(refunds.status, 'REFUNDED')))
        .orderBy(asc(refunds.createdAt), asc(refunds.id));
    },

    async findReturn(returnId: string) {
      const [row] = await db.select().from(returns).where(eq(returns.id, returnId));
      return row ?? null;
    },

    async findReturnLines(returnId: string) {
      return db
        .select()
        .from(returnLines)
        .where(eq(returnLines.returnId, returnId))
        .orderBy(asc(returnLines.position));
    },
  };
}

export type BillingRepository = ReturnType<typeof createBillingRepository>;
