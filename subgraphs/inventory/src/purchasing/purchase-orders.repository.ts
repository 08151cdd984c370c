import { and, asc, desc, eq, lt, or, Param, sql, type SQL } from 'drizzle-orm';
import { anyOf, executeRows, type Database } from '@ordergraph/shared';
import type { ReceivingLine } from './purchase-orders.js';
import {
  purchaseOrderLines,
  purchaseOrderReceiptLines,
  purchaseOrderReceipts,
  purchaseOrders,
  type PurchaseOrderLineRow,
  type PurchaseOrderReceiptLineRow,
  type PurchaseOrderReceiptRow,
  type PurchaseOrderRow,
  type PurchaseOrderStatus,
} from './tables.js';

/** A line as written: the supplier's code, cost and lead time for its SKU at that moment. */
export type NewOrderLine = Pick<
  PurchaseOrderLineRow,
  'sku' | 'quantity' | 'supplierSku' | 'unitCostMinor' | 'leadTimeDays'
>;

/** A line with what its money and outstanding units are read against. */
export type PurchaseOrderLineView = PurchaseOrderLineRow & {
  currencyCode: string;
  status: PurchaseOrderStatus;
};

/** A receipt, or one of its lines, with its purchase order's currency. */
export type ReceiptView = PurchaseOrderReceiptRow & { currencyCode: string };
export type ReceiptLineView = PurchaseOrderReceiptLineRow & { currencyCode: string };

/** keyset position in the newest-first purchase order list */
export interface PurchaseOrderCursor {
  createdAt: string;
  id: string;
}

/** Purchase orders, their lines and their receipts, over `db` or a transaction. */
export function createPurchaseOrdersRepository({ db }: { db: Database }) {
  const insertLines = async (purchaseOrderId: string, lines: readonly NewOrderLine[]) => {
    await db
      .insert(purchaseOrderLines)
      .values(lines.map((line, position) => ({ ...line, purchaseOrderId, position })));
  };

  return {
    async insert({
      supplierId,
      warehouseId,
      currencyCode,
      createdBy,
      lines,
    }: {
      supplierId: string;
      warehouseId: string;
      currencyCode: string;
      createdBy: string | null;
      lines: readonly NewOrderLine[];
    }): Promise<PurchaseOrderRow> {
      const [order] = await db
        .insert(purchaseOrders)
        .values({ supplierId, warehouseId, currencyCode, createdBy })
        .returning();
      await insertLines(order!.id, lines);
      return order!;
    },

    /**
     * The purchase order, locked until the transaction ends: every change of a purchase order
     * takes this lock first, so two deliveries of one order are counted one after the other.
     */
    async lock(id: string): Promise<PurchaseOrderRow | null> {
      const [row] = await db
        .select()
        .from(purchaseOrders)
        .where(eq(purchaseOrders.id, id))
        .for('update');
      return row ?? null;
    },

    async findByIds(ids: readonly string[]): Promise<PurchaseOrderRow[]> {
      if (ids.length === 0) return [];
      return db
        .select()
        .from(purchaseOrders)
        .where(anyOf(purchaseOrders.id, [...ids]));
    },

    /** the lines of these purchase orders, each order's in the order they were given */
    async findLinesByOrderIds(ids: readonly string[]): Promise<PurchaseOrderLineRow[]> {
      if (ids.length === 0) return [];
      return db
        .select()
        .from(purchaseOrderLines)
        .where(anyOf(purchaseOrderLines.purchaseOrderId, [...ids]))
        .orderBy(asc(purchaseOrderLines.purchaseOrderId), asc(purchaseOrderLines.position));
    },

    async replaceLines(purchaseOrderId: string, lines: readonly NewOrderLine[]): Promise<void> {
      await db
        .delete(purchaseOrderLines)
        .where(eq(purchaseOrderLines.purchaseOrderId, purchaseOrderId));
      await insertLines(purchaseOrderId, lines);
      await db
        .update(purchaseOrders)
        .set({ updatedAt: sql`now()` })
        .where(eq(purchaseOrders.id, purchaseOrderId));
    },

    /**
     * Moves the purchase order to `status`, stamping the time that status records; a submitted
     * order is expected `expectedInDays` days after now.
     */
    async setStatus(
      id: string,
      {
        status,
        expectedInDays,
        cancelReason,
      }: { status: PurchaseOrderStatus; expectedInDays?: number; cancelReason?: string | null },
    ): Promise<PurchaseOrderRow> {
      const stamps: Partial<Record<'submittedAt' | 'receivedAt' | 'cancelledAt', SQL>> =
        status === 'SUBMITTED'
          ? { submittedAt: sql`now()` }
          : status === 'RECEIVED'
            ? { receivedAt: sql`now()` }
            : status === 'CANCELLED'
              ? { cancelledAt: sql`now()` }
              : {};
      const [row] = await db
        .update(purchaseOrders)
        .set({
          status,
          ...stamps,
          ...(expectedInDays === undefined
            ? {}
            : { expectedAt: sql`now() + make_interval(days => ${expectedInDays}::integer)` }),
          ...(cancelReason === undefined ? {} : { cancelReason }),
          updatedAt: sql`now()`,
        })
        .where(eq(purchaseOrders.id, id))
        .returning();
      return row!;
    },

    /** records a delivery: its receipt, and the lines' new received and damaged counts */
    async recordReceipt({
      purchaseOrderId,
      receivedBy,
      delivered,
      lines,
    }: {
      purchaseOrderId: string;
      receivedBy: string | null;
      delivered: readonly {
        sku: string;
        quantity: number;
        damaged: number;
        unitCostMinor: number;
      }[];
      lines: readonly ReceivingLine[];
    }): Promise<number> {
      const [receipt] = await db
        .insert(purchaseOrderReceipts)
        .values({ purchaseOrderId, receivedBy })
        .returning({ id: purchaseOrderReceipts.id });
      const receiptId = Number(receipt!.id);
      await db
        .insert(purchaseOrderReceiptLines)
        .values(delivered.map((line, position) => ({ ...line, receiptId, position })));
      const values = sql.join(
        lines.map(
          ({ sku, received, damaged }) =>
            sql`(${sku}::text, ${received}::integer, ${damaged}::integer)`,
        ),
        sql`, `,
      );
      await db.execute(
        sql`update ${purchaseOrderLines} as l set received = v.received, damaged = v.damaged
          from (values ${values}) as v(sku, received, damaged)
          where l.purchase_order_id = ${purchaseOrderId} and l.sku = v.sku`,
      );
      return receiptId;
    },

    async findReceiptsByIds(ids: readonly number[]): Promise<PurchaseOrderReceiptRow[]> {
      if (ids.length === 0) return [];
      return db
        .select()
        .from(purchaseOrderReceipts)
        .where(anyOf(purchaseOrderReceipts.id, [...ids]));
    },

    /**
     * The receipts of these purchase orders, oldest first: for each order, `limit` receipts
     * after `afterId` (one statement for a page of orders).
     */
    async listReceipts({
      purchaseOrderIds,
      limit,
      afterId,
    }: {
      purchaseOrderIds: readonly string[];
      limit: number;
      afterId: number | null;
    }): Promise<PurchaseOrderReceiptRow[]> {
      if (purchaseOrderIds.length === 0) return [];
      const rows = await executeRows<Record<string, unknown>>(
        db,
        sql`select id, purchase_order_id as "purchaseOrderId", received_by as "receivedBy",
            received_at as "receivedAt"
          from (
            select r.*, row_number() over (partition by r.purchase_order_id order by r.id) as n
            from ${purchaseOrderReceipts} r
            where r.purchase_order_id = any(${new Param([...purchaseOrderIds])}::uuid[])
              and r.id > ${afterId ?? 0}
          ) ranked
          where n <= ${limit}
          order by "purchaseOrderId", id`,
      );
      return rows.map((row) => ({
        id: Number(row['id']),
        purchaseOrderId: String(row['purchaseOrderId']),
        receivedBy: (row['receivedBy'] as string | null) ?? null,
        receivedAt: new Date(row['receivedAt'] as string | Date),
      }));
    },

    async findReceiptLines(receiptIds: readonly number[]): Promise<PurchaseOrderReceiptLineRow[]> {
      if (receiptIds.length === 0) return [];
      return db
        .select()
        .from(purchaseOrderReceiptLines)
        .where(anyOf(purchaseOrderReceiptLines.receiptId, [...receiptIds]))
        .orderBy(asc(purchaseOrderReceiptLines.receiptId), asc(purchaseOrderReceiptLines.position));
    },

    /** newest first; fetches `limit` rows after the cursor */
    async list({
      status,
      supplierId,
      warehouseId,
      limit,
      after,
    }: {
      status?: PurchaseOrderStatus | null;
      supplierId?: string | null;
      warehouseId?: string | null;
      limit: number;
      after: PurchaseOrderCursor | null;
    }): Promise<PurchaseOrderRow[]> {
      const afterAt = after ? new Date(after.createdAt) : null;
      const conditions: (SQL | undefined)[] = [
        status ? eq(purchaseOrders.status, status) : undefined,
        supplierId ? eq(purchaseOrders.supplierId, supplierId) : undefined,
        warehouseId ? eq(purchaseOrders.warehouseId, warehouseId) : undefined,
        after && afterAt
          ? or(
              lt(purchaseOrders.createdAt, afterAt),
              and(eq(purchaseOrders.createdAt, afterAt), lt(purchaseOrders.id, after.id)),
            )
          : undefined,
      ];
      return db
        .select()
        .from(purchaseOrders)
        .where(and(...conditions))
        .orderBy(desc(purchaseOrders.createdAt), desc(purchaseOrders.id))
        .limit(limit);
    },
  };
}

export type PurchaseOrdersRepository = ReturnType<typeof createPurchaseOrdersRepository>;
