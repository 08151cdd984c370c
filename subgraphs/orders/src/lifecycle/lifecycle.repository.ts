import { and, asc, eq, ne, sum } from 'drizzle-orm';
import { idempotencyKeys, notifyOnCommit, type Database, anyOf } from '@ordergraph/shared';
import {
  orderLines,
  orderShipmentLines,
  orderShipments,
  orders,
  paymentCaptures,
  payments,
  type CaptureStatus,
  type OrderRow,
  type OrderShipmentRow,
  type PaymentCaptureRow,
  type PaymentRow,
} from '../db/schema.js';

/**
 * The NOTIFY channel of captures owed: the capture runner wakes on it, not on every commit of
 * the event log (a carrier scan owes no capture).
 */
export const CAPTURES_CHANNEL = 'payment_captures';

/** A shipment line with its shipment's status. */
export interface ShippedLine {
  shipmentId: string;
  status: string;
  orderLineId: string;
  quantity: number;
}

/** A capture still to be taken, with the authorization it is taken from. */
export type PendingCapture = PaymentCaptureRow & { authorizationId: string };

/**
 * The SQL of the order's life after placement: its shipments as the shipments service
 * reports them, its status moves and its payment captures. Plain functions over `db`.
 */
export function createLifecycleRepository({ db }: { db: Database }) {
  return {
    /** a mutation's stored result and input hash under (scope, key), when it has completed */
    async findStoredResult(scope: string, key: string) {
      const [row] = await db
        .select({ requestHash: idempotencyKeys.requestHash, result: idempotencyKeys.result })
        .from(idempotencyKeys)
        .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)));
      return row ?? null;
    },

    async findOrder(id: string): Promise<OrderRow | null> {
      const [row] = await db.select().from(orders).where(eq(orders.id, id));
      return row ?? null;
    },

    /** the order, locked until the transaction ends: its moves are made one at a time */
    async lockOrder(id: string): Promise<OrderRow | null> {
      const [row] = await db.select().from(orders).where(eq(orders.id, id)).for('update');
      return row ?? null;
    },

    /**
     * The order, locked as lockOrder does, with all its shipments, in one statement: what a
     * shipment event needs to know before it moves anything.
     */
    async lockOrderWithShipments(
      id: string,
    ): Promise<{ order: OrderRow; shipments: OrderShipmentRow[] } | null> {
      const rows = await db
        .select({ order: orders, shipment: orderShipments })
        .from(orders)
        .leftJoin(orderShipments, eq(orderShipments.orderId, orders.id))
        .where(eq(orders.id, id))
        .orderBy(asc(orderShipments.createdAt), asc(orderShipments.id))
        .for('update', { of: orders });
      const [first] = rows;
      if (!first) return null;
      return {
        order: first.order,
        shipments: rows.flatMap((row) => (row.shipment ? [row.shipment] : [])),
      };
    },

    /** a shipment's new status and tracking, and its order's move, in one statement */
    async moveShipmentAndOrder({
      shipmentId,
      shipment,
      orderId,
      orderStatus,
    }: {
      shipmentId: string;
      shipment: Pick<
        OrderShipmentRow,
        'status' | 'carrierCode' | 'trackingNumber' | 'trackingUrl' | 'lastEventSeq'
      >;
      orderId: string;
      /** the order's new status, or null to leave it (its updatedAt moves either way) */
      orderStatus: string | null;
    }): Promise<void> {
      const moved = db.$with('moved_shipment').as(
        db
          .update(orderShipments)
          .set({ ...shipment, updatedAt: new Date() })
          .where(eq(orderShipments.id, shipmentId))
          .returning({ id: orderShipments.id }),
      );
      await db
        .with(moved)
        .update(orders)
        .set({
          ...(orderStatus ? { status: orderStatus as OrderRow['status'] } : {}),
          updatedAt: new Date(),
        })
        .where(eq(orders.id, orderId));
    },

    async moveOrder(
      id: string,
      change: Partial<Pick<OrderRow, 'status' | 'paymentStatus'>>,
    ): Promise<void> {
      await db
        .update(orders)
        .set({ ...change, updatedAt: new Date() })
        .where(eq(orders.id, id));
    },

    /** the order's payments (one per order today), oldest first */
    async findPayments(orderId: string): Promise<PaymentRow[]> {
      return db
        .select()
        .from(payments)
        .where(eq(payments.orderId, orderId))
        .orderBy(asc(payments.createdAt));
    },

    async setPaymentStatus(orderId: string, status: PaymentRow['status']): Promise<void> {
      await db
        .update(payments)
        .set({ status, updatedAt: new Date() })
        .where(eq(payments.orderId, orderId));
    },

    /** what captures are worked out from: each line's id, unit price and quantity */
    async findOrderLines(
      orderId: string,
    ): Promise<{ id: string; unitPrice: number; quantity: number }[]> {
      return db
        .select({
          id: orderLines.id,
          unitPrice: orderLines.unitPrice,
          quantity: orderLines.quantity,
        })
        .from(orderLines)
        .where(eq(orderLines.orderId, orderId))
        .orderBy(asc(orderLines.position));
    },

    async findShipment(id: string): Promise<OrderShipmentRow | null> {
      const [row] = await db.select().from(orderShipments).where(eq(orderShipments.id, id));
      return row ?? null;
    },

    async insertShipment(
      shipment: typeof orderShipments.$inferInsert,
      lines: { orderLineId: string; quantity: number }[],
    ): Promise<void> {
      await db.insert(orderShipments).values(shipment);
      if (lines.length > 0) {
        await db
          .insert(orderShipmentLines)
          .values(lines.map((line) => ({ shipmentId: shipment.id, ...line })));
      }
    },

    async findShipmentsByOrderIds(orderIds: readonly string[]): Promise<OrderShipmentRow[]> {
      if (orderIds.length === 0) return [];
      return db
        .select()
        .from(orderShipments)
        .where(anyOf(orderShipments.orderId, [...orderIds]))
        .orderBy(asc(orderShipments.createdAt), asc(orderShipments.id));
    },

    /** every line of every shipment of the order, with the shipment's status */
    async findShipmentLines(orderId: string): Promise<ShippedLine[]> {
      return db
        .select({
          shipmentId: orderShipmentLines.shipmentId,
          status: orderShipments.status,
          orderLineId: orderShipmentLines.orderLineId,
          quantity: orderShipmentLines.quantity,
        })
        .from(orderShipmentLines)
        .innerJoin(orderShipments, eq(orderShipments.id, orderShipmentLines.shipmentId))
        .where(eq(orderShipments.orderId, orderId));
    },

    /**
     * Writes a capture to be taken, and wakes the capture runner when the transaction commits;
     * false when the shipment already has one.
     */
    async insertCapture(capture: typeof paymentCaptures.$inferInsert): Promise<boolean> {
      const inserted = await db
        .insert(paymentCaptures)
        .values(capture)
        .onConflictDoNothing()
        .returning({ shipmentId: paymentCaptures.shipmentId });
      if (inserted.length === 0) return false;
      await notifyOnCommit(db, { channel: CAPTURES_CHANNEL });
      return true;
    },

    async findCapturesByOrderIds(orderIds: readonly string[]): Promise<PaymentCaptureRow[]> {
      if (orderIds.length === 0) return [];
      return db
        .select()
        .from(paymentCaptures)
        .where(anyOf(paymentCaptures.orderId, [...orderIds]))
        .orderBy(asc(paymentCaptures.createdAt), asc(paymentCaptures.shipmentId));
    },

    /** what the order's captures come to, those still pending included (failed ones not) */
    async capturedOrPending(orderId: string): Promise<number> {
      const [row] = await db
        .select({ total: sum(paymentCaptures.amount).mapWith(Number) })
        .from(paymentCaptures)
        .where(and(eq(paymentCaptures.orderId, orderId), ne(paymentCaptures.status, 'FAILED')));
      return row?.total ?? 0;
    },

    async capturedTotal(orderId: string): Promise<number> {
      const [row] = await db
        .select({ total: sum(paymentCaptures.amount).mapWith(Number) })
        .from(paymentCaptures)
        .where(and(eq(paymentCaptures.orderId, orderId), eq(paymentCaptures.status, 'CAPTURED')));
      return row?.total ?? 0;
    },

    /** captures not yet taken, oldest first */
    async findPendingCaptures(limit: number): Promise<PendingCapture[]> {
      const rows = await db
        .select({ capture: paymentCaptures, authorizationId: payments.authorizationId })
        .from(paymentCaptures)
        .innerJoin(payments, eq(payments.id, paymentCaptures.paymentId))
        .where(eq(paymentCaptures.status, 'PENDING'))
        .orderBy(asc(paymentCaptures.createdAt), asc(paymentCaptures.shipmentId))
        .limit(limit);
      return rows.map(({ capture, authorizationId }) => ({ ...capture, authorizationId }));
    },

    /** settles a pending capture; false when another worker settled it first */
    async settleCapture(
      shipmentId: string,
      outcome: {
        status: Exclude<CaptureStatus, 'PENDING'>;
        providerCaptureId?: string | null;
        failureReason?: string | null;
      },
    ): Promise<boolean> {
      const settled = await db
        .update(paymentCaptures)
        .set({ ...outcome, settledAt: new Date() })
        .where(
          and(eq(paymentCaptures.shipmentId, shipmentId), eq(paymentCaptures.status, 'PENDING')),
        )
        .returning({ shipmentId: paymentCaptures.shipmentId });
      return settled.length > 0;
    },
  };
}

export type LifecycleRepository = ReturnType<typeof createLifecycleRepository>;
