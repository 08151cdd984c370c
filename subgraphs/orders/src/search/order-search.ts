import {
  decodeCursor,
  invalidInput,
  isCurrencyCode,
  isUuid,
  parseMoney,
  type Connection,
  type InvalidInput,
} from '@ordergraph/shared';
import type { OrderRow, OrderStatus, PaymentStatus } from '../db/schema.js';

/** How many matches a staff search counts exactly; beyond, it says "more". */
export const EXACT_COUNT_LIMIT = 10_000;

/** A page of a staff search; the count is read only when asked for (one more statement). */
export interface OrderSearchPage extends Connection<OrderRow> {
  /** how many orders match, up to EXACT_COUNT_LIMIT + 1 */
  count(): Promise<number>;
}

/** Which orders a staff search or an export takes, checked: every field ANDed. */
export interface OrderFilter {
  statuses: OrderStatus[] | null;
  paymentStatuses: PaymentStatus[] | null;
  placedFrom: Date | null;
  placedTo: Date | null;
  number: string | null;
  numberPrefix: string | null;
  customerId: string | null;
  sku: string | null;
  warehouseId: string | null;
  /** bounds in minor units of `currency`, both included */
  total: { currency: string; min: number | null; max: number | null } | null;
}

export type OrderSortField = 'PLACED_AT' | 'TOTAL';
export type SortDirection = 'ASC' | 'DESC';

export interface OrderSort {
  field: OrderSortField;
  direction: SortDirection;
}

/** Keyset position in a search: the sort value of the last row and its id. */
export interface SearchCursor {
  /** the sort field, so that a cursor of another sort is refused */
  field: OrderSortField;
  /** placedAt as an ISO string, or the total in minor units */
  value: string | number;
  id: string;
}

/** The filter as GraphQL gives it. */
export interface OrderFilterInput {
  status?: readonly OrderStatus[] | null;
  paymentStatus?: readonly PaymentStatus[] | null;
  placedFrom?: Date | string | null;
  placedTo?: Date | string | null;
  number?: string | null;
  numberPrefix?: string | null;
  customerId?: string | null;
  sku?: string | null;
  warehouseId?: string | null;
  total?: { min?: string | null; max?: string | null; currencyCode: string } | null;
}

export const DEFAULT_SORT: OrderSort = { field: 'PLACED_AT', direction: 'DESC' };

const text = (
  value: string | null | undefined,
  field: string,
  max: number,
): string | InvalidInput | null => {
  if (value == null) return null;
  const trimmed = value.trim();
  if (trimmed.length === 0 || trimmed.length > max) {
    return invalidInput(`${field} must be 1 to ${max} characters.`, field);
  }
  return trimmed;
};

const isProblem = (value: unknown): value is InvalidInput =>
  typeof value === 'object' && value !== null && '__typename' in value;

const asDate = (value: Date | string | null | undefined) =>
  value == null ? null : value instanceof Date ? value : new Date(value);

/**
 * Checks a search filter; `path` prefixes the field of a problem (e.g. "filter"), so that the
 * error names the input field at fault.
 */
export function parseOrderFilter(
  input: OrderFilterInput | null | undefined,
  path = 'filter',
): OrderFilter | InvalidInput {
  const at = (field: string) => `${path}.${field}`;
  const given = input ?? {};
  if (given.status && given.status.length === 0) {
    return invalidInput(`${at('status')} must list at least one status.`, at('status'));
  }
  if (given.paymentStatus && given.paymentStatus.length === 0) {
    return invalidInput(
      `${at('paymentStatus')} must list at least one status.`,
      at('paymentStatus'),
    );
  }
  const placedFrom = asDate(given.placedFrom);
  const placedTo = asDate(given.placedTo);
  if (placedFrom && placedTo && placedTo <= placedFrom) {
    return invalidInput(`${at('placedTo')} must be later than placedFrom.`, at('placedTo'));
  }
  const number = text(given.number, at('number'), 40);
  if (isProblem(number)) return number;
  const numberPrefix = text(given.numberPrefix, at('numberPrefix'), 40);
  if (isProblem(numberPrefix)) return numberPrefix;
  if (given.customerId != null && !isUuid(given.customerId)) {
    return invalidInput(`${at('customerId')} is not a customer id.`, at('customerId'));
  }
  const sku = text(given.sku, at('sku'), 100);
  if (isProblem(sku)) return sku;
  const warehouseId = text(given.warehouseId, at('warehouseId'), 100);
  if (isProblem(warehouseId)) return warehouseId;
  const total = parseTotalRange(given.total, at('total'));
  if (isProblem(total)) return total;
  return {
    statuses: given.status ? [...new Set(given.status)] : null,
    paymentStatuses: given.paymentStatus ? [...new Set(given.paymentStatus)] : null,
    placedFrom,
    placedTo,
    number,
    numberPrefix,
    customerId: given.customerId?.toLowerCase() ?? null,
    sku,
    warehouseId,
    total,
  };
}

function parseTotalRange(
  range: OrderFilterInput['total'],
  path: string,
): OrderFilter['total'] | InvalidInput {
  if (!range) return null;
  const currency = range.currencyCode;
  if (!isCurrencyCode(currency)) {
    return invalidInput(`${path}.currencyCode must be an ISO 4217 code.`, `${path}.currencyCode`);
  }
  const bound = (amount: string | null | undefined, field: 'min' | 'max') => {
    if (amount == null) return null;
    const minor = parseMoney({ amount, currencyCode: currency });
    return minor === null
      ? invalidInput(
          `${path}.${field} must be a non-negative amount in ${currency}, e.g. "19.90".`,
          `${path}.${field}`,
        )
      : minor;
  };
  const min = bound(range.min, 'min');
  if (isProblem(min)) return min;
  const max = bound(range.max, 'max');
  if (isProblem(max)) return max;
  if (min !== null && max !== null && max < min) {
    return invalidInput(`${path}.max must be at least min.`, `${path}.max`);
  }
  return { currency, min, max };
}

/** Decodes a search's `after`; null when it is not a cursor of this sort. */
export function parseSearchCursor(after: string, sort: OrderSort): SearchCursor | null {
  let cursor: Partial<SearchCursor>;
  try {
    cursor = decodeCursor<Partial<SearchCursor>>(after);
  } catch {
    return null;
  }
  if (typeof cursor !== 'object' || cursor === null) return null;
  if (cursor.field !== sort.field || typeof cursor.id !== 'string' || !isUuid(cursor.id)) {
    return null;
  }
  const valid =
    sort.field === 'PLACED_AT'
      ? typeof cursor.value === 'string' && !Number.isNaN(new Date(cursor.value).getTime())
      : Number.isSafeInteger(cursor.value);
  return valid ? (cursor as SearchCursor) : null;
}

/** The cursor of a row in a search sorted by `sort`. */
export const searchCursorOf = (
  row: { id: string; placedAt: Date; total: number },
  sort: OrderSort,
): SearchCursor => ({
  field: sort.field,
  value: sort.field === 'PLACED_AT' ? row.placedAt.toISOString() : row.total,
  id: row.id,
});
