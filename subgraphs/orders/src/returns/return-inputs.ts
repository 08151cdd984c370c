import {
  checkIdempotencyKey,
  checkText,
  firstProblem,
  invalidInput,
  isCurrencyCode,
  isUuid,
  parseMoney,
  type InvalidInput,
  type Money,
} from '@ordergraph/shared';
import type { ReturnDisposition } from '../db/returns.js';
import { MAX_LINES, MAX_QUANTITY } from '../placing/place-order-inputs.js';

export const MAX_REASON_LENGTH = 500;

type LineIds = readonly { orderLineId: string }[];

function checkLineIds(lines: LineIds): InvalidInput | null {
  if (lines.length < 1 || lines.length > MAX_LINES) {
    return invalidInput(`A return has 1 to ${MAX_LINES} lines.`, 'lines');
  }
  const seen = new Set<string>();
  for (const [index, { orderLineId }] of lines.entries()) {
    const field = `lines.${index}.orderLineId`;
    if (!isUuid(orderLineId)) return invalidInput('No line of this order has this id.', field);
    if (seen.has(orderLineId.toLowerCase())) {
      return invalidInput('This order line appears in more than one line.', field);
    }
    seen.add(orderLineId.toLowerCase());
  }
  return null;
}

/** A requestReturn input that passed validation (the order itself is checked later). */
export interface ReturnRequest {
  orderId: string;
  lines: { orderLineId: string; quantity: number }[];
  reason: string;
}

export function validateRequestReturn(input: {
  orderId: string;
  lines: readonly { orderLineId: string; quantity: number }[];
  reason: string;
  idempotencyKey: string;
}): ReturnRequest | InvalidInput {
  const problem = firstProblem(
    checkIdempotencyKey(input.idempotencyKey),
    checkLineIds(input.lines),
    ...input.lines.map(({ quantity }, index) =>
      Number.isInteger(quantity) && quantity >= 1 && quantity <= MAX_QUANTITY
        ? null
        : invalidInput(
            `quantity must be between 1 and ${MAX_QUANTITY}.`,
            `lines.${index}.quantity`,
          ),
    ),
    checkText(input.reason, { field: 'reason', max: MAX_REASON_LENGTH }),
  );
  if (problem) return problem;
  return {
    orderId: input.orderId.toLowerCase(),
    lines: input.lines.map(({ orderLineId, quantity }) => ({
      orderLineId: orderLineId.toLowerCase(),
      quantity,
    })),
    reason: input.reason.trim(),
  };
}

/** Where one received line went: back on a warehouse's shelf, or written off. */
export interface LineReceipt {
  orderLineId: string;
  disposition: ReturnDisposition;
  warehouseId: string | null;
}

export function validateReceiveReturn(input: {
  lines: readonly {
    orderLineId: string;
    disposition: ReturnDisposition;
    warehouseId?: string | null;
  }[];
  idempotencyKey: string;
}): LineReceipt[] | InvalidInput {
  const problem = firstProblem(
    checkIdempotencyKey(input.idempotencyKey),
    checkLineIds(input.lines),
    ...input.lines.map(({ disposition, warehouseId }, index) => {
      const field = `lines.${index}.warehouseId`;
      if (disposition === 'WRITE_OFF') {
        return warehouseId == null
          ? null
          : invalidInput('A written-off line goes to no warehouse.', field);
      }
      return checkText(warehouseId, { field, max: 64 });
    }),
  );
  if (problem) return problem;
  return input.lines.map(({ orderLineId, disposition, warehouseId }) => ({
    orderLineId: orderLineId.toLowerCase(),
    disposition,
    warehouseId: disposition === 'RESTOCK' ? (warehouseId ?? '').trim() : null,
  }));
}

export function validateRejectReturn(input: {
  reason: string;
  idempotencyKey: string;
}): { reason: string } | InvalidInput {
  return (
    firstProblem(
      checkIdempotencyKey(input.idempotencyKey),
      checkText(input.reason, { field: 'reason', max: MAX_REASON_LENGTH }),
    ) ?? { reason: input.reason.trim() }
  );
}

/** A refund's amount as asked for: null to refund what the return's lines are worth. */
export type RefundRequest = { amount: { minor: number; currency: string } | null };

export function validateRefundReturn(input: {
  amount?: Money | null;
  idempotencyKey: string;
}): RefundRequest | InvalidInput {
  const problem = checkIdempotencyKey(input.idempotencyKey);
  if (problem) return problem;
  if (!input.amount) return { amount: null };
  const currency = input.amount.currencyCode.trim().toUpperCase();
  if (!isCurrencyCode(currency)) {
    return invalidInput(
      'currencyCode must be an ISO 4217 code, e.g. "USD".',
      'amount.currencyCode',
    );
  }
  const minor = parseMoney({ amount: input.amount.amount.trim(), currencyCode: currency });
  if (minor === null || minor === 0) {
    return invalidInput(
      "amount must be a positive decimal with at most the currency's minor digits.",
      'amount.amount',
    );
  }
  return { amount: { minor, currency } };
}
