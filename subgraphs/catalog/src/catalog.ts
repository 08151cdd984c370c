import {
  checkIdempotencyKey,
  checkText,
  firstProblem,
  invalidInput,
  isCurrencyCode,
  minorDigits,
  parseMoney,
  type InvalidInput,
} from '@ordergraph/shared';
import { normaliseSku } from './pricing.js';

export const SKU_PATTERN = /^[A-Z0-9][A-Z0-9-]{1,63}$/;
export const MAX_VARIANTS = 50;
/** a unit price caps at 1,000,000 major units, so any basket total stays a safe integer */
export const MAX_UNIT_PRICE_MAJOR = 1_000_000;

export interface NewVariant {
  sku: string;
  name: string;
  priceAmount: number;
  currency: string;
}

export interface NewProduct {
  name: string;
  description: string | null;
  category: string | null;
  variants: NewVariant[];
}

interface VariantInput {
  sku: string;
  name: string;
  price: { amount: string; currencyCode: string };
}

function readVariant(
  input: VariantInput,
  index: number,
  seen: Set<string>,
): NewVariant | InvalidInput {
  const field = `variants.${index}`;
  const sku = normaliseSku(input.sku);
  const currency = input.price.currencyCode.trim().toUpperCase();
  const amount = input.price.amount.trim();
  const problem = firstProblem(
    SKU_PATTERN.test(sku)
      ? null
      : invalidInput(
          'sku must be 2 to 64 letters, digits and dashes, starting with a letter or digit.',
          `${field}.sku`,
        ),
    seen.has(sku) ? invalidInput(`The SKU ${sku} appears twice.`, `${field}.sku`) : null,
    checkText(input.name, { field: `${field}.name` }),
    isCurrencyCode(currency)
      ? null
      : invalidInput(
          'currencyCode must be an ISO 4217 code, e.g. "USD".',
          `${field}.price.currencyCode`,
        ),
  );
  if (problem) return problem;
  const priceAmount = parseMoney({ amount, currencyCode: currency });
  if (priceAmount === null || priceAmount >= MAX_UNIT_PRICE_MAJOR * 10 ** minorDigits(currency)) {
    return invalidInput(
      `amount must be a decimal from 0 to below ${MAX_UNIT_PRICE_MAJOR} with at most the currency's minor digits.`,
      `${field}.price.amount`,
    );
  }
  seen.add(sku);
  return { sku, name: input.name.trim(), priceAmount, currency };
}

/** Checks and normalises a new product: texts trimmed, SKUs and currency upper-cased. */
export function validateNewProduct(input: {
  name: string;
  description?: string | null;
  category?: string | null;
  variants: readonly VariantInput[];
  idempotencyKey: string;
}): NewProduct | InvalidInput {
  const problem = firstProblem(
    checkIdempotencyKey(input.idempotencyKey),
    checkText(input.name, { field: 'name' }),
    checkText(input.description, { field: 'description', max: 5000, required: false }),
    checkText(input.category, { field: 'category', max: 100, required: false }),
    input.variants.length >= 1 && input.variants.length <= MAX_VARIANTS
      ? null
      : invalidInput(`A product has 1 to ${MAX_VARIANTS} variants.`, 'variants'),
  );
  if (problem) return problem;
  const seen = new Set<string>();
  const variants: NewVariant[] = [];
  for (const [index, variantInput] of input.variants.entries()) {
    const variant = readVariant(variantInput, index, seen);
    if ('__typename' in variant) return variant;
    if (variant.currency !== variants[0]?.currency && index > 0) {
      return invalidInput(
        `All variants of a product are priced in one currency (${variants[0]?.currency}).`,
        `variants.${index}.price.currencyCode`,
      );
    }
    variants.push(variant);
  }
  return {
    name: input.name.trim(),
    description: input.description?.trim() || null,
    category: input.category?.trim() || null,
    variants,
  };
}

export const skuTaken = (sku: string) => ({
  __typename: 'SkuTakenError' as const,
  message: `Another variant already has the SKU ${sku}.`,
  sku,
});

/** What createProduct's stored result holds: the id, resolved again on every read. */
export type CreateProductSuccessResult = {
  __typename: 'CreateProductSuccess';
  productId: string;
};
