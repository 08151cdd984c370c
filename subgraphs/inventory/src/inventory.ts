import {
  checkIdempotencyKey,
  checkText,
  firstProblem,
  invalidInput,
  type InvalidInput,
} from '@ordergraph/shared';
import type { Allocation, AllocationLine } from './allocation.js';
import type { AdjustmentReason } from './db/schema.js';

export const MAX_RECEIPT_QUANTITY = 1_000_000;
export const MAX_LINE_QUANTITY = 1_000;
export const MAX_RESERVATION_LINES = 100;
export const MAX_LOW_STOCK_THRESHOLD = 1_000_000;
export const MAX_NOTE_LENGTH = 500;

/** SKUs as the catalog spells them: it matches them case-insensitively and stores them upper-case. */
export const normaliseSku = (sku: string) => sku.trim().toUpperCase();

const isIntegerIn = (value: number, min: number, max: number) =>
  Number.isInteger(value) && value >= min && value <= max;

export interface Receipt {
  sku: string;
  warehouseId: string;
  quantity: number;
}

/** Checks a receipt of stock. */
export function validateReceipt(input: {
  sku: string;
  warehouseId: string;
  quantity: number;
  idempotencyKey: string;
}): Receipt | InvalidInput {
  const problem = firstProblem(
    checkIdempotencyKey(input.idempotencyKey),
    checkText(input.sku, { field: 'sku', max: 100 }),
    checkText(input.warehouseId, { field: 'warehouseId', max: 100 }),
    isIntegerIn(input.quantity, 1, MAX_RECEIPT_QUANTITY)
      ? null
      : invalidInput(`quantity must be between 1 and ${MAX_RECEIPT_QUANTITY}.`, 'quantity'),
  );
  return (
    problem ?? {
      sku: normaliseSku(input.sku),
      warehouseId: input.warehouseId,
      quantity: input.quantity,
    }
  );
}

export interface ReservationRequest {
  reservationId: string;
  lines: AllocationLine[];
}

/** Checks a reservation request: 1 to 100 lines of 1 to 1000 units each. */
export function validateReservation(input: {
  reservationId: string;
  lines: readonly AllocationLine[];
}): ReservationRequest | InvalidInput {
  const problem = firstProblem(
    checkText(input.reservationId, { field: 'reservationId' }),
    input.lines.length >= 1 && input.lines.length <= MAX_RESERVATION_LINES
      ? null
      : invalidInput(`lines must hold 1 to ${MAX_RESERVATION_LINES} lines.`, 'lines'),
    ...input.lines.flatMap((line, index) => [
      checkText(line.sku, { field: `lines.${index}.sku`, max: 100 }),
      isIntegerIn(line.quantity, 1, MAX_LINE_QUANTITY)
        ? null
        : invalidInput(
            `quantity must be between 1 and ${MAX_LINE_QUANTITY}.`,
            `lines.${index}.quantity`,
          ),
    ]),
  );
  return (
    problem ?? {
      reservationId: input.reservationId,
      lines: input.lines.map(({ sku, quantity }) => ({ sku: normaliseSku(sku), quantity })),
    }
  );
}

export interface Adjustment {
  sku: string;
  warehouseId: string;
  delta: number;
  reason: AdjustmentReason;
  note: string | null;
}

/** Checks a hand correction: damaged and lost units only leave, found ones only arrive. */
export function validateAdjustment(input: {
  sku: string;
  warehouseId: string;
  delta: number;
  reason: AdjustmentReason;
  note?: string | null;
  idempotencyKey: string;
}): Adjustment | InvalidInput {
  const note = input.note?.trim() || null;
  const { delta, reason } = input;
  const problem = firstProblem(
    checkIdempotencyKey(input.idempotencyKey),
    checkText(input.sku, { field: 'sku', max: 100 }),
    checkText(input.warehouseId, { field: 'warehouseId', max: 100 }),
    delta !== 0 && isIntegerIn(Math.abs(delta), 1, MAX_RECEIPT_QUANTITY)
      ? null
      : invalidInput(
          `delta must be a non-zero whole number between -${MAX_RECEIPT_QUANTITY} and ${MAX_RECEIPT_QUANTITY}.`,
          'delta',
        ),
    (reason === 'DAMAGED' || reason === 'LOST') && delta > 0
      ? invalidInput(`${reason} units leave the stock: delta must be negative.`, 'delta')
      : null,
    reason === 'FOUND' && delta < 0
      ? invalidInput('FOUND units join the stock: delta must be positive.', 'delta')
      : null,
    checkText(note, { field: 'note', max: MAX_NOTE_LENGTH, required: reason === 'OTHER' }),
  );
  return (
    problem ?? { sku: normaliseSku(input.sku), warehouseId: input.warehouseId, delta, reason, note }
  );
}

export interface ThresholdSetting {
  sku: string;
  warehouseId: string;
  threshold: number;
}

/** Checks a low-stock threshold: 0 (low only when nothing is left) up to 1,000,000. */
export function validateThreshold(input: {
  sku: string;
  warehouseId: string;
  threshold: number;
  idempotencyKey: string;
}): ThresholdSetting | InvalidInput {
  const problem = firstProblem(
    checkIdempotencyKey(input.idempotencyKey),
    checkText(input.sku, { field: 'sku', max: 100 }),
    checkText(input.warehouseId, { field: 'warehouseId', max: 100 }),
    isIntegerIn(input.threshold, 0, MAX_LOW_STOCK_THRESHOLD)
      ? null
      : invalidInput(`threshold must be between 0 and ${MAX_LOW_STOCK_THRESHOLD}.`, 'threshold'),
  );
  return (
    problem ?? {
      sku: normaliseSku(input.sku),
      warehouseId: input.warehouseId,
      threshold: input.threshold,
    }
  );
}

export interface Restock {
  returnId: string;
  warehouseId: string;
  lines: AllocationLine[];
}

/** Checks returned units going back on the shelves: 1 to 100 lines of 1 to 1000 units. */
export function validateRestock(input: {
  returnId: string;
  warehouseId: string;
  lines: readonly AllocationLine[];
}): Restock | InvalidInput {
  const problem = firstProblem(
    checkText(input.returnId, { field: 'returnId' }),
    checkText(input.warehouseId, { field: 'warehouseId', max: 100 }),
  );
  if (problem) return problem;
  // the returnId passed the same check the reservation id gets, so only lines can fail here
  const request = validateReservation({ reservationId: input.returnId, lines: input.lines });
  if ('__typename' in request) return request;
  return { returnId: input.returnId, warehouseId: input.warehouseId, lines: request.lines };
}

export const unknownSku = (sku: string) => ({
  __typename: 'UnknownSkuError' as const,
  message: `No product variant has the SKU ${sku}.`,
  sku,
});

export const insufficientStock = ({
  sku,
  requested,
  available,
}: {
  sku: string;
  requested: number;
  available: number;
}) => ({
  __typename: 'InsufficientStockError' as const,
  message: `Only ${available} of ${sku} available, ${requested} requested.`,
  sku,
  requested,
  available,
});

export const stockBelowReserved = ({
  sku,
  warehouseId,
  onHand,
  reserved,
}: {
  sku: string;
  warehouseId: string;
  onHand: number;
  reserved: number;
}) => ({
  __typename: 'StockBelowReservedError' as const,
  message: `Only ${onHand - reserved} of ${sku} can be removed from ${warehouseId}: ${reserved} of the ${onHand} on hand are reserved for orders.`,
  sku,
  warehouseId,
  onHand,
  reserved,
});

/** What a mutation's stored result holds: ids, resolved again on every read. */
export type ReceiveStockSuccessResult = {
  __typename: 'ReceiveStockSuccess';
  sku: string;
  warehouseId: string;
};

export type ReserveStockSuccessResult = {
  __typename: 'ReserveStockSuccess';
  reservationId: string;
  allocations: Allocation[];
};

export type AdjustStockSuccessResult = {
  __typename: 'AdjustStockSuccess';
  sku: string;
  warehouseId: string;
  movementId: number;
};

export type SetLowStockThresholdSuccessResult = {
  __typename: 'SetLowStockThresholdSuccess';
  sku: string;
  warehouseId: string;
  threshold: number;
};

/** A product variant as the inventory knows it: only its SKU (the catalog owns the rest). */
export type VariantReference = { sku: string };
