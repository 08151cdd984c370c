import {
  canActForCustomer,
  checkIdempotencyKey,
  checkText,
  firstProblem,
  hasRole,
  invalidInput,
  isCountryCode,
  isUuid,
  type InvalidInput,
  type Viewer,
} from '@ordergraph/shared';
import type { OrderLineRow } from '../db/schema.js';

export const MAX_LINES = 50;
export const MAX_QUANTITY = 1000;
export const MAX_SKU_LENGTH = 64;

// SKUs are upper case throughout the catalog and the inventory
const normaliseSku = (sku: string) => sku.trim().toUpperCase();

export interface PostalAddress {
  name: string;
  line1: string;
  line2: string | null;
  city: string;
  region: string | null;
  postalCode: string;
  country: string;
}

/** A placeOrder input that passed validation, normalised. */
export type OrderRequest = {
  customerId: string;
  lines: { sku: string; quantity: number }[];
  shippingAddress: PostalAddress;
  token: string;
  promoCode: string | null;
};

export interface PlaceOrderInputShape {
  idempotencyKey: string;
  lines: readonly { sku: string; quantity: number }[];
  shippingAddress: {
    name: string;
    line1: string;
    line2?: string | null;
    city: string;
    region?: string | null;
    postalCode: string;
    country: string;
  };
  payment: { token: string };
  promoCode?: string | null;
}

function checkLines(lines: PlaceOrderInputShape['lines']): InvalidInput | null {
  if (lines.length < 1 || lines.length > MAX_LINES) {
    return invalidInput(`An order has 1 to ${MAX_LINES} lines.`, 'lines');
  }
  const seen = new Set<string>();
  // one line per SKU: the stock allocations are tied back to lines by SKU
  for (const [index, line] of lines.entries()) {
    const sku = normaliseSku(line.sku);
    const problem = checkText(sku, { field: `lines.${index}.sku`, max: MAX_SKU_LENGTH });
    if (problem) return problem;
    if (seen.has(sku)) {
      return invalidInput(`The SKU ${sku} appears in more than one line.`, `lines.${index}.sku`);
    }
    seen.add(sku);
    if (!Number.isInteger(line.quantity) || line.quantity < 1 || line.quantity > MAX_QUANTITY) {
      return invalidInput(
        `quantity must be between 1 and ${MAX_QUANTITY}.`,
        `lines.${index}.quantity`,
      );
    }
  }
  return null;
}

function checkAddress(address: PlaceOrderInputShape['shippingAddress']): InvalidInput | null {
  const field = (name: string) => `shippingAddress.${name}`;
  return firstProblem(
    checkText(address.name, { field: field('name') }),
    checkText(address.line1, { field: field('line1') }),
    checkText(address.line2, { field: field('line2'), required: false }),
    checkText(address.city, { field: field('city'), max: 100 }),
    checkText(address.region, { field: field('region'), max: 100, required: false }),
    checkText(address.postalCode, { field: field('postalCode'), max: 20 }),
    isCountryCode(address.country.trim().toUpperCase())
      ? null
      : invalidInput('country must be an ISO 3166-1 alpha-2 code, e.g. "US".', field('country')),
  );
}

/** Checks and normalises a placeOrder input for a customer already decided on. */
export function validatePlaceOrder(
  input: PlaceOrderInputShape,
  customerId: string,
): OrderRequest | InvalidInput {
  const promoCode = input.promoCode?.trim() || null;
  const problem = firstProblem(
    checkIdempotencyKey(input.idempotencyKey),
    isUuid(customerId) ? null : invalidInput('customerId is not a valid id.', 'customerId'),
    checkLines(input.lines),
    checkAddress(input.shippingAddress),
    checkText(input.payment.token, { field: 'payment.token' }),
    checkText(promoCode, { field: 'promoCode', max: 50, required: false }),
  );
  if (problem) return problem;
  const address = input.shippingAddress;
  return {
    customerId,
    lines: input.lines.map(({ sku, quantity }) => ({ sku: normaliseSku(sku), quantity })),
    shippingAddress: {
      name: address.name.trim(),
      line1: address.line1.trim(),
      line2: address.line2?.trim() || null,
      city: address.city.trim(),
      region: address.region?.trim() || null,
      postalCode: address.postalCode.trim(),
      country: address.country.trim().toUpperCase(),
    },
    token: input.payment.token.trim(),
    promoCode,
  };
}

/** The customer, the privileged and the warehouse (which fulfils it) may read an order. */
export const canSeeOrder = (viewer: Viewer, order: { customerId: string }) =>
  canActForCustomer(viewer, order.customerId) || hasRole(viewer, 'warehouse');

/** What a placeOrder result holds when stored: ids, resolved again on every read. */
export type PlaceOrderSuccessResult = { __typename: 'PlaceOrderSuccess'; orderId: string };

export type PaymentDeclined = {
  __typename: 'PaymentDeclinedError';
  message: string;
  reason: string;
};
export type UnknownSku = { __typename: 'UnknownSkuError'; message: string; sku: string };
export type InsufficientStock = {
  __typename: 'InsufficientStockError';
  message: string;
  sku: string;
  requested: number;
  available: number;
};
/** Why the catalog refused a promo code (PromoCodeRejection in the schema). */
export type PromoCodeRejection =
  | 'UNKNOWN'
  | 'NOT_YET_VALID'
  | 'EXPIRED'
  | 'MINIMUM_NOT_MET'
  | 'USAGE_LIMIT_REACHED'
  | 'CURRENCY_MISMATCH';

export type InvalidPromoCode = {
  __typename: 'InvalidPromoCodeError';
  message: string;
  code: string;
  rejection: PromoCodeRejection;
};

export type PlaceOrderInterrupted = { __typename: 'PlaceOrderInterruptedError'; message: string };

/** Every way placeOrder can fail as data. */
export type PlaceOrderFailure =
  | InvalidInput
  | PaymentDeclined
  | UnknownSku
  | InsufficientStock
  | InvalidPromoCode
  | PlaceOrderInterrupted;

/** The answer recorded for an attempt whose process died before it finished (see saga-recovery.ts). */
export const placeOrderInterrupted = (): PlaceOrderInterrupted => ({
  __typename: 'PlaceOrderInterruptedError',
  message:
    'Placing this order was interrupted and everything it had begun was undone: nothing was ordered or charged. Place it again with a new idempotencyKey.',
});

export type PlaceOrderOutcome = PlaceOrderSuccessResult | PlaceOrderFailure;

const DECLINE_MESSAGES: Record<string, string> = {
  card_declined: 'The card was declined.',
  insufficient_funds: 'The card has insufficient funds.',
  expired_card: 'The card has expired.',
  invalid_token: 'The payment method is not valid.',
};

export function paymentDeclined(reason: string): PaymentDeclined {
  return {
    __typename: 'PaymentDeclinedError',
    message: DECLINE_MESSAGES[reason] ?? 'The payment was declined.',
    reason,
  };
}

/** A customer as this service knows one: by id (the customers service owns the rest). */
export type CustomerReference = { id: string };

/** An order line with its order's currency, which its amounts are in. */
export type OrderLineWithCurrency = OrderLineRow & { currency: string };
