import { appendEvent, ordersEvents, type Actor, type Database } from '@ordergraph/shared';
import type { OrderRow, OrderStatus, PaymentStatus } from '../db/schema.js';
import { createLifecycleRepository } from '../lifecycle/lifecycle.repository.js';
import { canMoveOrder, canMovePayment } from '../lifecycle/order-status.js';
import { createOrdersRepository } from '../orders.repository.js';
import { createReturnsRepository } from './returns.repository.js';

/** A change of the order made with its return, whose event is appended last in the transaction. */
export interface OrderChange {
  record(): Promise<void>;
}

/**
 * The order status its received returns add up to: RETURNED once every unit of every line is
 * back, PARTIALLY_RETURNED before.
 */
export function orderStatusAfterReturns(
  lines: readonly { id: string; quantity: number }[],
  received: ReadonlyMap<string, number>,
): OrderStatus {
  const allBack = lines.every((line) => (received.get(line.id) ?? 0) >= line.quantity);
  return allBack ? 'RETURNED' : 'PARTIALLY_RETURNED';
}

/**
 * The payment status its refunds add up to: REFUNDED once all that was captured is paid back,
 * PARTIALLY_REFUNDED before.
 */
export const paymentStatusAfterRefunds = (captured: number, refunded: number): PaymentStatus =>
  refunded >= captured ? 'REFUNDED' : 'PARTIALLY_REFUNDED';

/**
 * Moves the order to PARTIALLY_RETURNED or RETURNED once a return is received, when its status
 * allows (an order whose status still follows its shipments keeps it). Call after the return is
 * marked received; `record()` appends the `order.status_changed` event, by `actor`.
 */
export async function settleOrderAfterReceipt(
  tx: Database,
  { order, actor }: { order: OrderRow; actor: Actor },
): Promise<OrderChange | null> {
  const returns = createReturnsRepository({ db: tx });
  const lines = await createOrdersRepository({ db: tx }).findLinesByOrderIds([order.id]);
  const received = await returns.returnedQuantities(order.id, {
    statuses: ['RECEIVED', 'REFUNDED'],
  });
  const to = orderStatusAfterReturns(lines, received);
  if (order.status === to || !canMoveOrder(order.status, to)) return null;
  await createLifecycleRepository({ db: tx }).moveOrder(order.id, { status: to });
  return {
    record: async () => {
      await appendEvent(
        tx,
        ordersEvents.event({
          streamType: 'order',
          streamId: order.id,
          type: 'order.status_changed',
          payload: {
            orderId: order.id,
            customerId: order.customerId,
            number: order.number,
            from: order.status,
            to,
            actor,
          },
        }),
      );
    },
  };
}

/**
 * Moves the order's payment status once a refund is paid, when its status allows (a payment
 * not wholly captured keeps AUTHORIZED).
 */
export async function settlePaymentAfterRefund(
  tx: Database,
  order: OrderRow,
  { captured, refunded }: { captured: number; refunded: number },
): Promise<void> {
  const to = paymentStatusAfterRefunds(captured, refunded);
  if (order.paymentStatus === to || !canMovePayment(order.paymentStatus, to)) return;
  const lifecycle = createLifecycleRepository({ db: tx });
  await lifecycle.moveOrder(order.id, { paymentStatus: to });
  await lifecycle.setPaymentStatus(order.id, to);
}
