import { and, asc, eq, inArray, ne, or, sql } from 'drizzle-orm';
import { eventLog, isUuid, type Database, anyOf } from '@ordergraph/shared';
import {
  orders,
  returnLines,
  returns,
  type OrderRow,
  type OrderStatus,
  type ReturnDisposition,
  type ReturnLineRow,
  type ReturnRow,
  type ReturnStatus,
} from '../db/schema.js';
import { createLifecycleRepository } from '../lifecycle/lifecycle.repository.js';
import { createOrdersRepository } from '../orders.repository.js';
import type { Delivery } from './returns.js';

// statuses of an order delivered whole, for orders with no shipment on record
const WHOLLY_DELIVERED: readonly OrderStatus[] = ['DELIVERED', 'PARTIALLY_RETURNED', 'RETURNED'];

/** A return as requestReturn writes it, its lines already valued. */
export interface NewReturn {
  orderId: string;
  customerId: string;
  reason: string;
  requestedBy: string;
  currency: string;
  lines: { orderLineId: string; sku: string; quantity: number; amount: number }[];
}

/** The SQL of returns and refunds, as plain functions over `db` (a transaction works too). */
export function createReturnsRepository({ db }: { db: Database }) {
  return {
    async findByIds(ids: readonly string[]): Promise<ReturnRow[]> {
      const valid = ids.filter(isUuid);
      if (valid.length === 0) return [];
      return db.select().from(returns).where(anyOf(returns.id, valid));
    },

    /** the returns of several orders, each order's oldest first */
    async findByOrderIds(orderIds: readonly string[]): Promise<ReturnRow[]> {
      if (orderIds.length === 0) return [];
      return db
        .select()
        .from(returns)
        .where(anyOf(returns.orderId, [...orderIds]))
        .orderBy(asc(returns.orderId), asc(returns.requestedAt), asc(returns.id));
    },

    async findLinesByReturnIds(returnIds: readonly string[]): Promise<ReturnLineRow[]> {
      if (returnIds.length === 0) return [];
      return db
        .select()
        .from(returnLines)
        .where(anyOf(returnLines.returnId, [...returnIds]))
        .orderBy(asc(returnLines.returnId), asc(returnLines.position));
    },

    /**
     * The order, locked until the transaction ends: every change of an order's returns and
     * refunds takes this lock first, so they are checked against each other one at a time.
     */
    async lockOrder(orderId: string): Promise<OrderRow | null> {
      if (!isUuid(orderId)) return null;
      const [row] = await db.select().from(orders).where(eq(orders.id, orderId)).for('update');
      return row ?? null;
    },

    /** the return, locked until the transaction ends (after its order: see lockOrder) */
    async lockReturn(returnId: string): Promise<ReturnRow | null> {
      const [row] = await db.select().from(returns).where(eq(returns.id, returnId)).for('update');
      return row ?? null;
    },

    /** units of each of the order's lines in returns, less the rejected ones */
    async returnedQuantities(
      orderId: string,
      { statuses }: { statuses?: readonly ReturnStatus[] } = {},
    ): Promise<Map<string, number>> {
      const rows = await db
        .select({
          orderLineId: returnLines.orderLineId,
          quantity: sql<number>`sum(${returnLines.quantity})::integer`,
        })
        .from(returnLines)
        .innerJoin(returns, eq(returns.id, returnLines.returnId))
        .where(
          and(
            eq(returns.orderId, orderId),
            statuses ? inArray(returns.status, [...statuses]) : ne(returns.status, 'REJECTED'),
          ),
        )
        .groupBy(returnLines.orderLineId);
      return new Map(rows.map((row) => [row.orderLineId, Number(row.quantity)]));
    },

    /**
     * What of the order reached the customer, and when: the lines of its DELIVERED shipments,
     * at the carrier's delivery time. An order with no shipment on record that is DELIVERED (or
     * returned since) counts as wholly delivered when it last became DELIVERED, or at its last
     * change when its timeline does not say (an order set DELIVERED by hand).
     */
    async findDeliveries(order: OrderRow): Promise<Delivery[]> {
      const lines = await createLifecycleRepository({ db }).findShipmentLines(order.id);
      const steps = await db
        .select({ payload: eventLog.payload, occurredAt: eventLog.occurredAt, type: eventLog.type })
        .from(eventLog)
        .where(
          and(
            eq(eventLog.streamType, 'order'),
            eq(eventLog.streamId, order.id),
            or(
              and(
                eq(eventLog.type, 'shipment.updated'),
                sql`${eventLog.payload}->>'status' = 'DELIVERED'`,
              ),
              and(
                eq(eventLog.type, 'order.status_changed'),
                sql`${eventLog.payload}->>'to' = 'DELIVERED'`,
              ),
            ),
          ),
        )
        .orderBy(asc(eventLog.seq));
      const deliveredAt = new Map<string, Date>();
      for (const { payload, occurredAt, type } of steps) {
        const reported = new Date(String(payload['occurredAt']));
        const key = type === 'shipment.updated' ? String(payload['shipmentId']) : order.id;
        deliveredAt.set(key, Number.isNaN(reported.getTime()) ? occurredAt : reported);
      }
      if (lines.length > 0) {
        return lines
          .filter((line) => line.status === 'DELIVERED')
          .map(({ shipmentId, orderLineId, quantity }) => ({
            orderLineId,
            quantity,
            deliveredAt: deliveredAt.get(shipmentId) ?? order.updatedAt,
          }));
      }
      if (!WHOLLY_DELIVERED.includes(order.status)) return [];
      const ordered = await createOrdersRepository({ db }).findLinesByOrderIds([order.id]);
      return ordered.map((line) => ({
        orderLineId: line.id,
        quantity: line.quantity,
        deliveredAt: deliveredAt.get(order.id) ?? order.updatedAt,
      }));
    },

    async insert(created: NewReturn): Promise<ReturnRow> {
      const [row] = await db
        .insert(returns)
        .values({
          orderId: created.orderId,
          customerId: created.customerId,
          status: 'REQUESTED',
          reason: created.reason,
          requestedBy: created.requestedBy,
          currency: created.currency,
        })
        .returning();
      await db
        .insert(returnLines)
        .values(created.lines.map((line, position) => ({ returnId: row!.id, position, ...line })));
      return row!;
    },

    /** approves or rejects a requested return */
    async decide(
      returnId: string,
      decision: { status: 'APPROVED' } | { status: 'REJECTED'; rejectionReason: string },
    ): Promise<void> {
      await db
        .update(returns)
        .set({ ...decision, decidedAt: sql`now()`, updatedAt: sql`now()` })
        .where(eq(returns.id, returnId));
    },

    /** records where each line went and marks the return received */
    async receive(
      returnId: string,
      lines: readonly {
        orderLineId: string;
        disposition: ReturnDisposition;
        warehouseId: string | null;
      }[],
    ): Promise<void> {
      for (const line of lines) {
        await db
          .update(returnLines)
          .set({ disposition: line.disposition, restockWarehouseId: line.warehouseId })
          .where(
            and(eq(returnLines.returnId, returnId), eq(returnLines.orderLineId, line.orderLineId)),
          );
      }
      await db
        .update(returns)
        .set({ status: 'RECEIVED', receivedAt: sql`now()`, updatedAt: sql`now()` })
        .where(eq(returns.id, returnId));
    },
  };
}

export type ReturnsRepository = ReturnType<typeof createReturnsRepository>;
