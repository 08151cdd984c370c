import {
  checkIdempotencyKey,
  checkText,
  firstProblem,
  invalidInput,
  type InvalidInput,
} from '@ordergraph/shared';
import type { Allocation, AllocationLine } from './allocation.js';

export const MAX_RECEIPT_QUANTITY = 1_000_000;
export const MAX_LINE_QUANTITY = 1_000;
export const MAX_RESERVATION_LINES = 100;

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

/** A product variant as the inventory knows it: only its SKU (the catalog owns the rest). */
export type VariantReference = { sku: string };
