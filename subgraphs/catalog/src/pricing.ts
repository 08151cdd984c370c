import { invalidInput, isCountryCode, type InvalidInput } from '@ordergraph/shared';
import {
  promoCodeRejected,
  rejectionOf,
  type InvalidPromoCode,
  type Promotion,
} from './promotions.js';

/*
 * Pricing a basket. Every amount is an integer in the currency's minor units.
 *
 * Rounding: a percentage discount and the tax are each computed once per basket, on the
 * basket's amount, and rounded half up to the minor unit with integer arithmetic only
 * (`(amount * basisPoints + 5000) / 10000`, floored, in BigInt so no product overflows).
 * Lines are never discounted or taxed one by one, so nothing is rounded twice.
 *
 *   subtotal = sum of unitPrice * quantity
 *   discount = percentage: round(subtotal * bps / 10000); fixed: min(amountOff, subtotal)
 *   shipping = the rate's fee, or 0 when subtotal - discount >= the rate's free threshold
 *   tax      = round((subtotal - discount + shipping) * taxBps / 10000)
 *   total    = subtotal - discount + shipping + tax
 */

export const MAX_LINES = 100;
export const MAX_QUANTITY = 1000;
export const MAX_SKU_LENGTH = 64;
export const DEFAULT_COUNTRY = '*';

export interface UnknownSku {
  __typename: 'UnknownSkuError';
  message: string;
  sku: string;
}

/** A basket line after validation; `index` is where the SKU first appears in the input. */
export interface BasketLine {
  sku: string;
  quantity: number;
  index: number;
}

export interface Basket {
  lines: BasketLine[];
  /** the code as given, trimmed; null when none or blank */
  promoCode: string | null;
  shippingCountry: string | null;
}

export interface PriceableVariant {
  sku: string;
  priceAmount: number;
  currency: string;
  active: boolean;
}

export interface ShippingRate {
  country: string;
  currency: string;
  amount: number;
  freeThreshold: number | null;
}

export interface PricedLine {
  sku: string;
  quantity: number;
  unitPrice: number;
  total: number;
  currency: string;
}

export interface PricedQuote {
  __typename: 'Quote';
  currency: string;
  lines: PricedLine[];
  subtotal: number;
  discountTotal: number;
  shippingTotal: number;
  taxTotal: number;
  total: number;
  promoCode: string | null;
  shippingCountry: string | null;
}

export const normaliseSku = (sku: string) => sku.trim().toUpperCase();

/** `amount * basisPoints / 10000`, rounded half up; for non-negative amounts. */
export function applyBasisPoints(amount: number, basisPoints: number): number {
  const result = (BigInt(amount) * BigInt(basisPoints) + 5000n) / 10000n;
  return Number(result);
}

/**
 * Checks a quote input and merges lines of the same SKU (matched case-insensitively) into
 * the first of them, quantities summed.
 */
export function readBasket(input: {
  lines: readonly { sku: string; quantity: number }[];
  promoCode?: string | null;
  shippingCountry?: string | null;
}): Basket | InvalidInput {
  if (input.lines.length < 1 || input.lines.length > MAX_LINES) {
    return invalidInput(`A basket has 1 to ${MAX_LINES} lines.`, 'lines');
  }
  const bySku = new Map<string, BasketLine>();
  for (const [index, line] of input.lines.entries()) {
    const sku = normaliseSku(line.sku);
    if (sku.length === 0 || sku.length > MAX_SKU_LENGTH) {
      return invalidInput(`sku must be 1 to ${MAX_SKU_LENGTH} characters.`, `lines.${index}.sku`);
    }
    if (!Number.isInteger(line.quantity) || line.quantity < 1 || line.quantity > MAX_QUANTITY) {
      return invalidInput(`quantity must be 1 to ${MAX_QUANTITY}.`, `lines.${index}.quantity`);
    }
    const first = bySku.get(sku);
    if (!first) {
      bySku.set(sku, { sku, quantity: line.quantity, index });
      continue;
    }
    first.quantity += line.quantity;
    if (first.quantity > MAX_QUANTITY) {
      return invalidInput(
        `The lines for ${sku} add up to more than ${MAX_QUANTITY}.`,
        `lines.${first.index}.quantity`,
      );
    }
  }
  const country = input.shippingCountry?.trim().toUpperCase() || null;
  if (country !== null && !isCountryCode(country)) {
    return invalidInput(
      'shippingCountry must be an ISO 3166-1 alpha-2 code, e.g. "US".',
      'shippingCountry',
    );
  }
  return {
    lines: [...bySku.values()],
    promoCode: input.promoCode?.trim() || null,
    shippingCountry: country,
  };
}

/** The discount a promotion gives on a subtotal, or why it does not apply. */
export function discountFor({
  promotion,
  given,
  subtotal,
  currency,
  now,
}: {
  promotion: Promotion | null;
  given: string;
  subtotal: number;
  currency: string;
  now: Date;
}): number | InvalidPromoCode {
  const rejection = rejectionOf({ promotion, subtotal, currency, now });
  if (rejection || !promotion)
    return promoCodeRejected({ given, rejection: rejection ?? 'UNKNOWN', promotion });
  if (promotion.kind === 'PERCENTAGE')
    return applyBasisPoints(subtotal, promotion.basisPoints ?? 0);
  // a fixed amount never takes more than the subtotal
  return Math.min(promotion.amountOff ?? 0, subtotal);
}

/** The country's rate in the basket's currency, else the default ('*') one, else none. */
export function pickShippingRate({
  rates,
  country,
  currency,
}: {
  rates: readonly ShippingRate[];
  country: string | null;
  currency: string;
}): ShippingRate | null {
  const inCurrency = rates.filter((rate) => rate.currency === currency);
  return (
    (country ? inCurrency.find((rate) => rate.country === country) : undefined) ??
    inCurrency.find((rate) => rate.country === DEFAULT_COUNTRY) ??
    null
  );
}

/**
 * Prices a checked basket. `variants` holds the catalog's variants by SKU; `promotion` is the
 * promotion the basket's code names (null when the code is unknown or none was given);
 * `shippingRates` the rates of the shipping country and the default rates; `taxBasisPoints` the
 * shipping country's tax rate (null when it has none).
 */
export function priceBasket({
  basket,
  variants,
  promotion,
  shippingRates,
  taxBasisPoints,
  now,
}: {
  basket: Basket;
  variants: ReadonlyMap<string, PriceableVariant>;
  promotion: Promotion | null;
  shippingRates: readonly ShippingRate[];
  taxBasisPoints: number | null;
  now: Date;
}): PricedQuote | UnknownSku | InvalidInput | InvalidPromoCode {
  const priced: PricedLine[] = [];
  for (const line of basket.lines) {
    const variant = variants.get(line.sku);
    if (!variant || !variant.active) {
      return {
        __typename: 'UnknownSkuError',
        message: variant
          ? `The variant ${line.sku} is no longer sold.`
          : `No product variant has the SKU ${line.sku}.`,
        sku: line.sku,
      };
    }
    priced.push({
      sku: line.sku,
      quantity: line.quantity,
      unitPrice: variant.priceAmount,
      total: variant.priceAmount * line.quantity,
      currency: variant.currency,
    });
  }
  const currency = priced[0]!.currency;
  const mixed = priced.findIndex((line) => line.currency !== currency);
  if (mixed >= 0) {
    return invalidInput(
      `All lines must be in one currency: ${priced[mixed]!.sku} is in ${priced[mixed]!.currency}, the basket in ${currency}.`,
      `lines.${basket.lines[mixed]!.index}.sku`,
    );
  }
  const subtotal = priced.reduce((sum, line) => sum + line.total, 0);

  let discountTotal = 0;
  if (basket.promoCode !== null) {
    const discount = discountFor({
      promotion,
      given: basket.promoCode,
      subtotal,
      currency,
      now,
    });
    if (typeof discount !== 'number') return discount;
    discountTotal = discount;
  }

  const afterDiscount = subtotal - discountTotal;
  const rate = pickShippingRate({
    rates: shippingRates,
    country: basket.shippingCountry,
    currency,
  });
  const isFree = !rate || (rate.freeThreshold !== null && afterDiscount >= rate.freeThreshold);
  const shippingTotal = isFree ? 0 : rate.amount;
  const taxTotal =
    basket.shippingCountry && taxBasisPoints !== null
      ? applyBasisPoints(afterDiscount + shippingTotal, taxBasisPoints)
      : 0;

  return {
    __typename: 'Quote',
    currency,
    lines: priced,
    subtotal,
    discountTotal,
    shippingTotal,
    taxTotal,
    total: afterDiscount + shippingTotal + taxTotal,
    promoCode: basket.promoCode !== null ? (promotion?.code ?? null) : null,
    shippingCountry: basket.shippingCountry,
  };
}
