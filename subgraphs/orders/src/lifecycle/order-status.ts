import { customerIdOf, hasRole, type Viewer } from '@ordergraph/shared';
import type { OrderStatus, PaymentStatus } from '../db/schema.js';

/**
 * The order's life: every move its status may make, in one table. Fulfilment moves it forward
 * only; a cancelled or fully returned order moves no more. Staying in a status is not a move.
 */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  CONFIRMED: ['PROCESSING', 'CANCELLED'],
  PROCESSING: ['PARTIALLY_SHIPPED', 'SHIPPED', 'CANCELLED'],
  // DELIVERED straight from here: the shipments still out were cancelled, the rest delivered
  PARTIALLY_SHIPPED: ['SHIPPED', 'DELIVERED'],
  SHIPPED: ['DELIVERED'],
  DELIVERED: ['PARTIALLY_RETURNED', 'RETURNED'],
  PARTIALLY_RETURNED: ['RETURNED'],
  CANCELLED: [],
  RETURNED: [],
};

/**
 * The payment's life, in one table. It stays AUTHORIZED while shipments are captured one by
 * one and becomes CAPTURED once the whole order total is; refunds follow captures only.
 */
export const PAYMENT_TRANSITIONS: Readonly<Record<PaymentStatus, readonly PaymentStatus[]>> = {
  AUTHORIZED: ['CAPTURED', 'VOIDED'],
  CAPTURED: ['PARTIALLY_REFUNDED', 'REFUNDED'],
  PARTIALLY_REFUNDED: ['REFUNDED'],
  REFUNDED: [],
  VOIDED: [],
};

export const canMoveOrder = (from: OrderStatus, to: OrderStatus) =>
  ORDER_TRANSITIONS[from].includes(to);

export const canMovePayment = (from: PaymentStatus, to: PaymentStatus) =>
  PAYMENT_TRANSITIONS[from].includes(to);

/** What a shipment's status says about the order, as the shipments service names them. */
export type ShipmentStatus =
  | 'PENDING'
  | 'PICKING'
  | 'PACKED'
  | 'SHIPPED'
  | 'IN_TRANSIT'
  | 'OUT_FOR_DELIVERY'
  | 'DELIVERED'
  | 'FAILED_ATTEMPT'
  | 'EXCEPTION'
  | 'RETURNED_TO_SENDER'
  | 'CANCELLED';

const IN_WAREHOUSE: readonly string[] = ['PICKING', 'PACKED'];
const AWAITING: readonly string[] = ['PENDING', 'PICKING', 'PACKED'];

/** True once a shipment has left the warehouse (whatever became of it since). */
export const hasShipped = (status: string) => status !== 'CANCELLED' && !AWAITING.includes(status);

/**
 * The order status its shipments add up to: cancelled shipments are left out; all delivered is
 * DELIVERED, all shipped (or further) SHIPPED, some shipped PARTIALLY_SHIPPED, any being picked
 * or packed PROCESSING, all pending CONFIRMED. Null when no shipment is left to say anything.
 */
export function orderStatusFromShipments(statuses: readonly string[]): OrderStatus | null {
  const active = statuses.filter((status) => status !== 'CANCELLED');
  if (active.length === 0) return null;
  if (active.every((status) => status === 'DELIVERED')) return 'DELIVERED';
  if (active.every(hasShipped)) return 'SHIPPED';
  if (active.some(hasShipped)) return 'PARTIALLY_SHIPPED';
  if (active.some((status) => IN_WAREHOUSE.includes(status))) return 'PROCESSING';
  return 'CONFIRMED';
}

/** What a client may do to an order next, as the mutations name it (OrderAction). */
export type OrderAction = 'CANCEL' | 'REQUEST_RETURN';

/**
 * Who may cancel when: the customer while the order is CONFIRMED (no shipment is being picked
 * yet), staff and admins until something has shipped.
 */
const CANCELLABLE: { customer: readonly OrderStatus[]; staff: readonly OrderStatus[] } = {
  customer: ['CONFIRMED'],
  staff: ['CONFIRMED', 'PROCESSING'],
};

/** Returns are asked for once the order is delivered, until every unit is back. */
const RETURNABLE: readonly OrderStatus[] = ['DELIVERED', 'PARTIALLY_RETURNED'];

const isStaff = (viewer: Viewer) => hasRole(viewer, 'staff', 'admin');
const isOwner = (viewer: Viewer, order: { customerId: string }) =>
  customerIdOf(viewer) === order.customerId;

/** True when this viewer may cancel an order in this status (the shipments service has the last word). */
export function mayCancel(viewer: Viewer, order: { status: OrderStatus; customerId: string }) {
  if (isStaff(viewer)) return CANCELLABLE.staff.includes(order.status);
  return isOwner(viewer, order) && CANCELLABLE.customer.includes(order.status);
}

/**
 * What the viewer may do to the order now, so that clients need not repeat these rules.
 * REQUEST_RETURN says the order is returnable at all; requestReturn still checks the return
 * window and the quantities.
 */
export function allowedActions(
  viewer: Viewer,
  order: { status: OrderStatus; customerId: string },
): OrderAction[] {
  const actions: OrderAction[] = [];
  if (mayCancel(viewer, order)) actions.push('CANCEL');
  if ((isOwner(viewer, order) || isStaff(viewer)) && RETURNABLE.includes(order.status)) {
    actions.push('REQUEST_RETURN');
  }
  return actions;
}
