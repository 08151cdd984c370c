import { randomUUID } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import {
  appendEvent,
  withAppendsLast,
  ordersEvents,
  eventLog,
  isUuid,
  type Database,
  type EventLogRow,
  anyOf,
  newestFirstPerGroup,
  type Actor,
} from '@ordergraph/shared';
import {
  allocations,
  orderLines,
  orders,
  payments,
  type AllocationRow,
  type OrderLineRow,
  type OrderRow,
  type OrderStatus,
  type PaymentRow,
} from './db/schema.js';
import type { PostalAddress } from './placing/place-order-inputs.js';
import {
  allocateLines,
  byWarehouse,
  type PricedOrder,
  type StockAllocation,
} from './placing/pricing.js';

/** keyset position in a customer's newest-first order list */
export interface OrderCursor {
  placedAt: string;
  id: string;
}

/** Everything a placed order is written with. */
export interface PlacedOrder {
  id: string;
  customerId: string;
  priced: PricedOrder;
  shippingAddress: PostalAddress;
  payment: { provider: string; authorizationId: string };
  allocations: readonly StockAllocation[];
  /** who placed it: the customer, or staff for them; kept in its events' payloads */
  actor: Actor;
}

/** The orders service's SQL, as plain functions over `db` (a transaction works too). */
export function createOrdersRepository({ db }: { db: Database }) {
  return {
    async findByIds(ids: readonly string[]): Promise<OrderRow[]> {
      const valid = ids.filter(isUuid);
      if (valid.length === 0) return [];
      return db.select().from(orders).where(anyOf(orders.id, valid));
    },

    async findLinesByOrderIds(orderIds: readonly string[]): Promise<OrderLineRow[]> {
      if (orderIds.length === 0) return [];
      return db
        .select()
        .from(orderLines)
        .where(anyOf(orderLines.orderId, [...orderIds]))
        .orderBy(asc(orderLines.orderId), asc(orderLines.position));
    },

    async findAllocationsByOrderIds(orderIds: readonly string[]): Promise<AllocationRow[]> {
      if (orderIds.length === 0) return [];
      return db
        .select()
        .from(allocations)
        .where(anyOf(allocations.orderId, [...orderIds]));
    },

    async findPaymentsByOrderIds(orderIds: readonly string[]): Promise<PaymentRow[]> {
      if (orderIds.length === 0) return [];
      return db
        .select()
        .from(payments)
        .where(anyOf(payments.orderId, [...orderIds]))
        .orderBy(asc(payments.createdAt));
    },

    /** the orders' timelines from this service's event log, oldest first */
    async findEventsByOrderIds(orderIds: readonly string[]): Promise<EventLogRow[]> {
      if (orderIds.length === 0) return [];
      return db
        .select()
        .from(eventLog)
        .where(and(eq(eventLog.streamType, 'order'), anyOf(eventLog.streamId, [...orderIds])))
        .orderBy(asc(eventLog.seq));
    },

    /**
     * One page of orders for each of several customers in one statement: newest first, at most
     * `limit` rows per customer after the cursor.
     */
    async listForCustomers({
      customerIds,
      limit,
      after,
      status,
    }: {
      customerIds: readonly string[];
      limit: number;
      after: OrderCursor | null;
      status: OrderStatus | null;
    }): Promise<OrderRow[]> {
      const valid = customerIds.filter(isUuid);
      if (valid.length === 0) return [];
      return newestFirstPerGroup({
        db,
        table: orders,
        groupBy: 'customerId',
        groups: valid,
        newestFirst: ['placedAt', 'id'],
        where: status ? [eq(orders.status, status)] : [],
        after: after && { placedAt: new Date(after.placedAt), id: after.id },
        limit,
      });
    },

    /**
     * Writes a placed order with its lines, payment and stock allocations, and appends its
     * `order.placed` and `payment.authorized` events. Call it last in a transaction.
     */
    async insertPlacedOrder(placed: PlacedOrder): Promise<OrderRow> {
      const { id, customerId, priced, shippingAddress: address, payment, actor } = placed;
      const lines = priced.lines.map((line, position) => ({
        id: randomUUID(),
        orderId: id,
        position,
        ...line,
      }));
      // checked before anything is written: every reserved unit belongs to exactly one line
      const lineAllocations = allocateLines(lines, placed.allocations);
      const [order] = await db
        .insert(orders)
        .values({
          id,
          customerId,
          status: 'CONFIRMED',
          paymentStatus: 'AUTHORIZED',
          currency: priced.currency,
          subtotal: priced.subtotal,
          discountTotal: priced.discountTotal,
          shippingTotal: priced.shippingTotal,
          taxTotal: priced.taxTotal,
          total: priced.total,
          promoCode: priced.promoCode,
          shipName: address.name,
          shipLine1: address.line1,
          shipLine2: address.line2,
          shipCity: address.city,
          shipRegion: address.region,
          shipPostalCode: address.postalCode,
          shipCountry: address.country,
        })
        .returning();
      await db.insert(orderLines).values(lines);
      await db
        .insert(allocations)
        .values(
          lineAllocations.map(({ sku: _sku, ...allocation }) => ({ orderId: id, ...allocation })),
        );
      const [paymentRow] = await db
        .insert(payments)
        .values({
          orderId: id,
          provider: payment.provider,
          authorizationId: payment.authorizationId,
          amount: priced.total,
          currency: priced.currency,
          status: 'AUTHORIZED',
        })
        .returning();
      const totals = {
        currency: priced.currency,
        subtotal: priced.subtotal,
        discountTotal: priced.discountTotal,
        shippingTotal: priced.shippingTotal,
        taxTotal: priced.taxTotal,
        total: priced.total,
      };
      // both events in one statement, the log's lock taken once
      await withAppendsLast(db, async () => {
        await appendEvent(
          db,
          ordersEvents.event({
            streamType: 'order',
            streamId: id,
            type: 'order.placed',
            payload: {
              orderId: id,
              customerId,
              number: order!.number,
              lines: lines.map(({ id: lineId, sku, quantity, unitPrice, total }) => ({
                id: lineId,
                sku,
                quantity,
                unitPrice,
                total,
              })),
              allocations: byWarehouse(lineAllocations),
              promoCode: priced.promoCode,
              ...totals,
              actor,
            },
          }),
        );
        await appendEvent(
          db,
          ordersEvents.event({
            streamType: 'order',
            streamId: id,
            type: 'payment.authorized',
            payload: {
              orderId: id,
              paymentId: paymentRow!.id,
              provider: payment.provider,
              authorizationId: payment.authorizationId,
              amount: priced.total,
              currency: priced.currency,
              actor,
            },
          }),
        );
      });
      return order!;
    },
  };
}

export type OrdersRepository = ReturnType<typeof createOrdersRepository>;
