import {
  checkIdempotencyKey,
  checkText,
  firstProblem,
  invalidInput,
  isUuid,
  type InvalidInput,
} from '@ordergraph/shared';
import { normaliseSku } from '../inventory.js';

export const MAX_ORDER_LINES = 100;
export const MAX_LINE_QUANTITY = 100_000;
export const MAX_REASON_LENGTH = 500;

const isIntegerIn = (value: number, min: number, max: number) =>
  Number.isInteger(value) && value >= min && value <= max;

export interface OrderLine {
  sku: string;
  quantity: number;
}

/** Checks 1 to 100 lines, one per SKU, of 1 to 100,000 units. */
export function validateOrderLines(lines: readonly OrderLine[]): OrderLine[] | InvalidInput {
  const skus = lines.map((line) => normaliseSku(line.sku));
  const problem = firstProblem(
    lines.length >= 1 && lines.length <= MAX_ORDER_LINES
      ? null
      : invalidInput(`lines must hold 1 to ${MAX_ORDER_LINES} lines.`, 'lines'),
    ...lines.flatMap((line, index) => [
      checkText(line.sku, { field: `lines.${index}.sku`, max: 100 }),
      skus.indexOf(skus[index]!) < index
        ? invalidInput(`${skus[index]} appears on more than one line.`, `lines.${index}.sku`)
        : null,
      isIntegerIn(line.quantity, 1, MAX_LINE_QUANTITY)
        ? null
        : invalidInput(
            `quantity must be between 1 and ${MAX_LINE_QUANTITY}.`,
            `lines.${index}.quantity`,
          ),
    ]),
  );
  return problem ?? lines.map((line, index) => ({ sku: skus[index]!, quantity: line.quantity }));
}

/** Checks a new purchase order. */
export function validateNewPurchaseOrder(input: {
  supplierId: string;
  warehouseId: string;
  lines: readonly OrderLine[];
  idempotencyKey: string;
}): { supplierId: string; warehouseId: string; lines: OrderLine[] } | InvalidInput {
  const problem = firstProblem(
    checkIdempotencyKey(input.idempotencyKey),
    checkText(input.supplierId, { field: 'supplierId', max: 100 }),
    checkText(input.warehouseId, { field: 'warehouseId', max: 100 }),
  );
  if (problem) return problem;
  const lines = validateOrderLines(input.lines);
  if ('__typename' in lines) return lines;
  return { supplierId: input.supplierId, warehouseId: input.warehouseId, lines };
}

/** Checks new lines for a DRAFT purchase order. */
export function validateLinesUpdate(input: {
  purchaseOrderId: string;
  lines: readonly OrderLine[];
  idempotencyKey: string;
}): { purchaseOrderId: string; lines: OrderLine[] } | InvalidInput {
  const problem = firstProblem(
    checkIdempotencyKey(input.idempotencyKey),
    checkText(input.purchaseOrderId, { field: 'purchaseOrderId', max: 100 }),
  );
  if (problem) return problem;
  const lines = validateOrderLines(input.lines);
  if ('__typename' in lines) return lines;
  return { purchaseOrderId: input.purchaseOrderId, lines };
}

/** Checks an action on a purchase order that takes nothing else. */
export function validateAction(input: {
  purchaseOrderId: string;
  idempotencyKey: string;
}): { purchaseOrderId: string } | InvalidInput {
  const problem = firstProblem(
    checkIdempotencyKey(input.idempotencyKey),
    checkText(input.purchaseOrderId, { field: 'purchaseOrderId', max: 100 }),
  );
  return problem ?? { purchaseOrderId: input.purchaseOrderId };
}

export interface DeliveryLine {
  sku: string;
  quantity: number;
  damaged: number;
}

/** Checks a delivery: 1 to 100 lines, one per SKU, each with a unit at least. */
export function validateDelivery(input: {
  lines: readonly { sku: string; quantity: number; damaged?: number | null }[];
  idempotencyKey: string;
}): DeliveryLine[] | InvalidInput {
  const skus = input.lines.map((line) => normaliseSku(line.sku));
  const problem = firstProblem(
    checkIdempotencyKey(input.idempotencyKey),
    input.lines.length >= 1 && input.lines.length <= MAX_ORDER_LINES
      ? null
      : invalidInput(`lines must hold 1 to ${MAX_ORDER_LINES} lines.`, 'lines'),
    ...input.lines.flatMap((line, index) => {
      const damaged = line.damaged ?? 0;
      return [
        checkText(line.sku, { field: `lines.${index}.sku`, max: 100 }),
        skus.indexOf(skus[index]!) < index
          ? invalidInput(`${skus[index]} appears on more than one line.`, `lines.${index}.sku`)
          : null,
        isIntegerIn(line.quantity, 0, MAX_LINE_QUANTITY)
          ? null
          : invalidInput(
              `quantity must be between 0 and ${MAX_LINE_QUANTITY}.`,
              `lines.${index}.quantity`,
            ),
        isIntegerIn(damaged, 0, MAX_LINE_QUANTITY)
          ? null
          : invalidInput(
              `damaged must be between 0 and ${MAX_LINE_QUANTITY}.`,
              `lines.${index}.damaged`,
            ),
        line.quantity + damaged > 0
          ? null
          : invalidInput('A line must receive at least one unit.', `lines.${index}.quantity`),
      ];
    }),
  );
  return (
    problem ??
    input.lines.map((line, index) => ({
      sku: skus[index]!,
      quantity: line.quantity,
      damaged: line.damaged ?? 0,
    }))
  );
}

/** Checks a cancellation's reason. */
export function validateCancellation(input: {
  reason?: string | null;
  idempotencyKey: string;
}): { reason: string | null } | InvalidInput {
  const reason = input.reason?.trim() || null;
  const problem = firstProblem(
    checkIdempotencyKey(input.idempotencyKey),
    checkText(reason, { field: 'reason', max: MAX_REASON_LENGTH, required: false }),
  );
  return problem ?? { reason };
}

/** Purchase order ids are UUIDs: anything else names no purchase order. */
export const isPurchaseOrderId = isUuid;
