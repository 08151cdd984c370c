import { invalidInput, type InvalidInput } from '@ordergraph/shared';
import type { DeliveryLine } from './purchase-order-inputs.js';
import type { PurchaseOrderStatus } from './tables.js';

type Action = 'edit' | 'submit' | 'receive' | 'cancel';

// which statuses each action starts from
const ALLOWED_FROM: Record<Action, readonly PurchaseOrderStatus[]> = {
  edit: ['DRAFT'],
  submit: ['DRAFT'],
  receive: ['SUBMITTED', 'PARTIALLY_RECEIVED'],
  cancel: ['DRAFT', 'SUBMITTED', 'PARTIALLY_RECEIVED'],
};

const ACTION_WORDS: Record<Action, string> = {
  edit: 'have its lines changed',
  submit: 'be submitted',
  receive: 'receive deliveries',
  cancel: 'be cancelled',
};

/** Null when a purchase order in `status` may do `action`; the error to return otherwise. */
export function checkStatus({
  purchaseOrderId,
  status,
  action,
}: {
  purchaseOrderId: string;
  status: PurchaseOrderStatus;
  action: Action;
}) {
  if (ALLOWED_FROM[action].includes(status)) return null;
  return {
    __typename: 'PurchaseOrderStatusError' as const,
    message: `A ${status} purchase order cannot ${ACTION_WORDS[action]}.`,
    purchaseOrderId,
    status,
  };
}

/** The most good units a line of `ordered` units may reach with the tolerance (in percent). */
export const allowedUnits = (ordered: number, tolerancePercent: number) =>
  Math.floor((ordered * (100 + tolerancePercent)) / 100);

export interface ReceivingLine {
  sku: string;
  quantity: number;
  received: number;
  damaged: number;
}

export type ReceiptPlan =
  | { lines: ReceivingLine[]; status: PurchaseOrderStatus }
  | ReturnType<typeof overReceipt>
  | InvalidInput;

/**
 * What a delivery does to a purchase order's lines: their new received and damaged counts and
 * the order's next status, or why the delivery is refused (a SKU not on the order, or good units
 * beyond the ordered ones plus the tolerance). Damaged units count towards nothing but
 * themselves: the supplier still owes good ones.
 */
export function planReceipt({
  lines,
  delivery,
  tolerancePercent,
}: {
  lines: readonly ReceivingLine[];
  delivery: readonly DeliveryLine[];
  tolerancePercent: number;
}): ReceiptPlan {
  const bySku = new Map(lines.map((line) => [line.sku, { ...line }]));
  for (const [index, arrived] of delivery.entries()) {
    const line = bySku.get(arrived.sku);
    if (!line) {
      return invalidInput(`${arrived.sku} is not on this purchase order.`, `lines.${index}.sku`);
    }
    const allowed = allowedUnits(line.quantity, tolerancePercent);
    if (line.received + arrived.quantity > allowed) {
      return overReceipt({
        sku: line.sku,
        ordered: line.quantity,
        received: line.received,
        requested: arrived.quantity,
        allowed,
      });
    }
    line.received += arrived.quantity;
    line.damaged += arrived.damaged;
  }
  const after = lines.map((line) => bySku.get(line.sku)!);
  const complete = after.every((line) => line.received >= line.quantity);
  return { lines: after, status: complete ? 'RECEIVED' : 'PARTIALLY_RECEIVED' };
}

/** Units still expected of a line. */
export const outstandingOf = ({
  quantity,
  received,
  status,
}: {
  quantity: number;
  received: number;
  status: PurchaseOrderStatus;
}) => (status === 'CANCELLED' ? 0 : Math.max(quantity - received, 0));

/** The sum of quantity × unit cost, in minor units. */
export const totalOf = (lines: readonly { quantity: number; unitCostMinor: number }[]) =>
  lines.reduce((sum, line) => sum + line.quantity * line.unitCostMinor, 0);

/** Days from submission to delivery: the slowest line's lead time. */
export const expectedInDaysOf = (lines: readonly { leadTimeDays: number }[]) =>
  Math.max(0, ...lines.map((line) => line.leadTimeDays));

export const purchaseOrderNotFound = (purchaseOrderId: string) => ({
  __typename: 'PurchaseOrderNotFoundError' as const,
  message: `No purchase order has the id ${purchaseOrderId}.`,
  purchaseOrderId,
});

export const skuNotSupplied = ({ sku, supplierId }: { sku: string; supplierId: string }) => ({
  __typename: 'SkuNotSuppliedError' as const,
  message: `The supplier ${supplierId} does not sell ${sku}.`,
  sku,
  supplierId,
});

export const overReceipt = ({
  sku,
  ordered,
  received,
  requested,
  allowed,
}: {
  sku: string;
  ordered: number;
  received: number;
  requested: number;
  allowed: number;
}) => ({
  __typename: 'OverReceiptError' as const,
  message: `${sku}: ${requested} more would make ${received + requested} received of ${ordered} ordered; at most ${allowed} may be received.`,
  sku,
  ordered,
  received,
  requested,
  allowed,
});

/** What the purchase order mutations store as their result: ids, resolved again on every read. */
export type PurchaseOrderSuccessResult = {
  __typename: 'PurchaseOrderSuccess';
  purchaseOrderId: string;
  receiptId: number | null;
};

export type CreatePurchaseOrdersFromSuggestionsSuccessResult = {
  __typename: 'CreatePurchaseOrdersFromSuggestionsSuccess';
  purchaseOrderIds: string[];
};
