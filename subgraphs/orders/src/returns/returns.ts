import { hasRole, type Role, type Viewer } from '@ordergraph/shared';
import type { ReturnLineRow, ReturnStatus } from '../db/returns.js';

/**
 * The return's life: every move it may make, in one table. A rejected or refunded return is
 * settled and moves no more.
 */
export const RETURN_TRANSITIONS: Readonly<Record<ReturnStatus, readonly ReturnStatus[]>> = {
  REQUESTED: ['APPROVED', 'REJECTED'],
  APPROVED: ['RECEIVED'],
  REJECTED: [],
  RECEIVED: ['REFUNDED'],
  REFUNDED: [],
};

export const canMoveReturn = (from: ReturnStatus, to: ReturnStatus) =>
  RETURN_TRANSITIONS[from].includes(to);

export type InvalidReturnTransition = {
  __typename: 'InvalidReturnTransitionError';
  message: string;
  from: ReturnStatus;
  to: ReturnStatus;
};

/** null when the return may move from `from` to `to`, else the error to return. */
export function checkReturnTransition(
  from: ReturnStatus,
  to: ReturnStatus,
): InvalidReturnTransition | null {
  if (canMoveReturn(from, to)) return null;
  const words = (status: ReturnStatus) => status.toLowerCase();
  return {
    __typename: 'InvalidReturnTransitionError',
    message: `A ${words(from)} return cannot become ${words(to)}.`,
    from,
    to,
  };
}

/** What a client may do to a return, as the mutations name it. */
export type ReturnAction = 'APPROVE' | 'REJECT' | 'RECEIVE' | 'REFUND';

const ACTIONS: Record<ReturnAction, { to: ReturnStatus; roles: Role[] }> = {
  APPROVE: { to: 'APPROVED', roles: ['staff', 'admin'] },
  REJECT: { to: 'REJECTED', roles: ['staff', 'admin'] },
  RECEIVE: { to: 'RECEIVED', roles: ['warehouse', 'staff', 'admin'] },
  REFUND: { to: 'REFUNDED', roles: ['staff', 'admin'] },
};

/** true when the viewer's roles allow the action at all, whatever the return's status */
export const mayTakeReturnAction = (viewer: Viewer, action: ReturnAction) =>
  hasRole(viewer, ...ACTIONS[action].roles);

/** The actions this viewer may take on a return in this status, so clients need not know the rules. */
export function allowedReturnActions(status: ReturnStatus, viewer: Viewer): ReturnAction[] {
  return (Object.keys(ACTIONS) as ReturnAction[]).filter(
    (action) => canMoveReturn(status, ACTIONS[action].to) && mayTakeReturnAction(viewer, action),
  );
}

/** Units of an order line that reached the customer, and when. */
export interface Delivery {
  orderLineId: string;
  quantity: number;
  deliveredAt: Date;
}

const DAY_MS = 86_400_000;

/**
 * How many units of each line may still be returned: units delivered within the return window,
 * and never more than all delivered units less those already in a return that was not rejected.
 */
export function returnableQuantities({
  lineIds,
  deliveries,
  returned,
  now,
  windowDays,
}: {
  lineIds: readonly string[];
  deliveries: readonly Delivery[];
  /** units of each line in the order's returns that were not rejected */
  returned: ReadonlyMap<string, number>;
  now: Date;
  windowDays: number;
}): Map<string, { delivered: number; inWindow: number; returnable: number }> {
  const opensAfter = now.getTime() - windowDays * DAY_MS;
  return new Map(
    lineIds.map((id) => {
      const ofLine = deliveries.filter((delivery) => delivery.orderLineId === id);
      const delivered = ofLine.reduce((sum, delivery) => sum + delivery.quantity, 0);
      const inWindow = ofLine
        .filter((delivery) => delivery.deliveredAt.getTime() >= opensAfter)
        .reduce((sum, delivery) => sum + delivery.quantity, 0);
      const returnable = Math.max(0, Math.min(inWindow, delivered - (returned.get(id) ?? 0)));
      return [id, { delivered, inWindow, returnable }];
    }),
  );
}

/** Why a return cannot be requested (ReturnNotAllowedReason in the schema). */
export type ReturnNotAllowedReason = 'NOT_DELIVERED' | 'RETURN_WINDOW_CLOSED' | 'QUANTITY_EXCEEDED';

export type ReturnNotAllowed = {
  __typename: 'ReturnNotAllowedError';
  message: string;
  reason: ReturnNotAllowedReason;
  orderLineId: string | null;
  returnable: number | null;
};

/**
 * Checks requested units against what may be returned; null when every line may go back.
 * `windowDays` only words the message.
 */
export function checkReturnable(
  requested: readonly { orderLineId: string; quantity: number }[],
  returnable: ReturnType<typeof returnableQuantities>,
  windowDays: number,
): ReturnNotAllowed | null {
  for (const { orderLineId, quantity } of requested) {
    const line = returnable.get(orderLineId);
    if (!line || line.delivered === 0) {
      return notAllowed('NOT_DELIVERED', 'Only delivered items can be returned.', orderLineId, 0);
    }
    if (line.inWindow === 0) {
      return notAllowed(
        'RETURN_WINDOW_CLOSED',
        `Items can be returned within ${windowDays} days of delivery.`,
        orderLineId,
        0,
      );
    }
    if (quantity > line.returnable) {
      return notAllowed(
        'QUANTITY_EXCEEDED',
        `At most ${line.returnable} of this line can still be returned.`,
        orderLineId,
        line.returnable,
      );
    }
  }
  return null;
}

function notAllowed(
  reason: ReturnNotAllowedReason,
  message: string,
  orderLineId: string | null,
  returnable: number | null,
): ReturnNotAllowed {
  return { __typename: 'ReturnNotAllowedError', message, reason, orderLineId, returnable };
}

/** A whole order that cannot be returned at all, e.g. one not yet delivered. */
export const orderNotReturnable = () =>
  notAllowed('NOT_DELIVERED', 'Only delivered orders can be returned.', null, null);

/** The order's totals a refund is shared out from, in integer minor units. */
export interface OrderTotals {
  subtotal: number;
  discountTotal: number;
  shippingTotal: number;
  taxTotal: number;
}

/** numerator / denominator rounded half up, for non-negative integers */
export function divideHalfUp(numerator: bigint, denominator: bigint): bigint {
  return (2n * numerator + denominator) / (2n * denominator);
}

/**
 * What returned units of a line are worth: unit price times quantity, less their share of the
 * order's discount, plus their share of the tax charged on the discounted goods. Shares are
 * proportional to the units' price and each is rounded half up to a minor unit. Shipping, and
 * the tax charged on it, are not refunded: the parcel did travel.
 */
export function refundValue(
  totals: OrderTotals,
  { unitPrice, quantity }: { unitPrice: number; quantity: number },
): number {
  const goods = BigInt(unitPrice) * BigInt(quantity);
  const subtotal = BigInt(totals.subtotal);
  if (subtotal === 0n) return 0;
  const discount = BigInt(totals.discountTotal);
  const discounted = subtotal - discount;
  // the catalog taxes the discounted goods and the shipping together, in one amount
  const taxBase = discounted + BigInt(totals.shippingTotal);
  const discountShare = divideHalfUp(goods * discount, subtotal);
  const taxShare =
    taxBase === 0n
      ? 0n
      : divideHalfUp(goods * discounted * BigInt(totals.taxTotal), subtotal * taxBase);
  return Number(goods - discountShare + taxShare);
}

/**
 * How a refund of `amount` is spread over the order's captures: oldest capture first, each up
 * to what is left of it, so no capture is refunded above what it took.
 */
export function spreadRefund(
  amount: number,
  captures: readonly { captureId: string; refundable: number }[],
): { captureId: string; amount: number }[] {
  const parts: { captureId: string; amount: number }[] = [];
  let left = amount;
  for (const { captureId, refundable } of captures) {
    if (left === 0) break;
    const part = Math.min(left, refundable);
    if (part > 0) parts.push({ captureId, amount: part });
    left -= part;
  }
  return parts;
}

/** A return line as the schema shows it: with its order (for the order line) and currency. */
export type ReturnLineWithOrder = ReturnLineRow & { orderId: string; currency: string };
