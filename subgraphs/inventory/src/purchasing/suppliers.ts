import {
  checkIdempotencyKey,
  checkText,
  firstProblem,
  invalidInput,
  isCurrencyCode,
  minorDigits,
  parseMoney,
  type InvalidInput,
  type Money,
} from '@ordergraph/shared';
import { normaliseSku } from '../inventory.js';

export const MAX_LEAD_TIME_DAYS = 365;
/** the dearest unit, in major units: keeps every total of a purchase order a safe integer */
export const MAX_UNIT_COST = 100_000;
export const MAX_MINIMUM_ORDER_QUANTITY = 100_000;
export const MAX_PACK_SIZE = 10_000;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const isIntegerIn = (value: number, min: number, max: number) =>
  Number.isInteger(value) && value >= min && value <= max;

const checkLeadTime = (days: number | null | undefined, field: string) =>
  days === null || days === undefined || isIntegerIn(days, 0, MAX_LEAD_TIME_DAYS)
    ? null
    : invalidInput(`${field} must be between 0 and ${MAX_LEAD_TIME_DAYS} days.`, field);

const checkEmail = (email: string | null | undefined) =>
  email === null || email === undefined || (email.trim().length <= 200 && EMAIL.test(email.trim()))
    ? null
    : invalidInput('contactEmail must be an e-mail address.', 'contactEmail');

const checkCurrency = (code: string | null | undefined) =>
  code === null || code === undefined || isCurrencyCode(code)
    ? null
    : invalidInput('currencyCode must be an ISO 4217 code, e.g. "USD".', 'currencyCode');

export interface NewSupplier {
  name: string;
  contactEmail: string;
  currencyCode: string;
  leadTimeDays: number;
}

/** Checks a new supplier. */
export function validateNewSupplier(
  input: NewSupplier & { idempotencyKey: string },
): NewSupplier | InvalidInput {
  const problem = firstProblem(
    checkIdempotencyKey(input.idempotencyKey),
    checkText(input.name, { field: 'name' }),
    checkText(input.contactEmail, { field: 'contactEmail' }) ?? checkEmail(input.contactEmail),
    checkCurrency(input.currencyCode),
    checkLeadTime(input.leadTimeDays, 'leadTimeDays'),
  );
  return (
    problem ?? {
      name: input.name.trim(),
      contactEmail: input.contactEmail.trim(),
      currencyCode: input.currencyCode,
      leadTimeDays: input.leadTimeDays,
    }
  );
}

export type SupplierChanges = Partial<NewSupplier & { active: boolean }>;

/** Checks changes to a supplier: only the fields given are checked and changed. */
export function validateSupplierChanges(input: {
  supplierId: string;
  name?: string | null;
  contactEmail?: string | null;
  currencyCode?: string | null;
  leadTimeDays?: number | null;
  active?: boolean | null;
  idempotencyKey: string;
}): { supplierId: string; changes: SupplierChanges } | InvalidInput {
  const given = <T>(value: T | null | undefined): value is T =>
    value !== null && value !== undefined;
  const problem = firstProblem(
    checkIdempotencyKey(input.idempotencyKey),
    checkText(input.supplierId, { field: 'supplierId', max: 100 }),
    given(input.name) ? checkText(input.name, { field: 'name' }) : null,
    checkEmail(input.contactEmail),
    checkCurrency(input.currencyCode),
    checkLeadTime(input.leadTimeDays, 'leadTimeDays'),
  );
  if (problem) return problem;
  const changes: SupplierChanges = {};
  if (given(input.name)) changes.name = input.name.trim();
  if (given(input.contactEmail)) changes.contactEmail = input.contactEmail.trim();
  if (given(input.currencyCode)) changes.currencyCode = input.currencyCode;
  if (given(input.leadTimeDays)) changes.leadTimeDays = input.leadTimeDays;
  if (given(input.active)) changes.active = input.active;
  return { supplierId: input.supplierId, changes };
}

export interface SupplierItemTerms {
  supplierId: string;
  sku: string;
  supplierSku: string;
  unitCostMinor: number;
  currencyCode: string;
  minimumOrderQuantity: number;
  packSize: number;
  leadTimeDays: number | null;
}

/** Checks a supplier's terms for a SKU; the cost's currency is compared with the supplier's later. */
export function validateSupplierItem(input: {
  supplierId: string;
  sku: string;
  supplierSku: string;
  unitCost: Money;
  minimumOrderQuantity: number;
  packSize: number;
  leadTimeDays?: number | null;
  idempotencyKey: string;
}): SupplierItemTerms | InvalidInput {
  const unitCostMinor = parseMoney(input.unitCost);
  const maxCost = MAX_UNIT_COST * 10 ** minorDigits(input.unitCost.currencyCode);
  const problem = firstProblem(
    checkIdempotencyKey(input.idempotencyKey),
    checkText(input.supplierId, { field: 'supplierId', max: 100 }),
    checkText(input.sku, { field: 'sku', max: 100 }),
    checkText(input.supplierSku, { field: 'supplierSku', max: 100 }),
    isCurrencyCode(input.unitCost.currencyCode)
      ? null
      : invalidInput('currencyCode must be an ISO 4217 code, e.g. "USD".', 'unitCost.currencyCode'),
    unitCostMinor !== null && unitCostMinor <= maxCost
      ? null
      : invalidInput(
          `amount must be a decimal from 0 to ${MAX_UNIT_COST} with at most ${minorDigits(input.unitCost.currencyCode)} decimals.`,
          'unitCost.amount',
        ),
    isIntegerIn(input.minimumOrderQuantity, 1, MAX_MINIMUM_ORDER_QUANTITY)
      ? null
      : invalidInput(
          `minimumOrderQuantity must be between 1 and ${MAX_MINIMUM_ORDER_QUANTITY}.`,
          'minimumOrderQuantity',
        ),
    isIntegerIn(input.packSize, 1, MAX_PACK_SIZE)
      ? null
      : invalidInput(`packSize must be between 1 and ${MAX_PACK_SIZE}.`, 'packSize'),
    checkLeadTime(input.leadTimeDays, 'leadTimeDays'),
  );
  return (
    problem ?? {
      supplierId: input.supplierId,
      sku: normaliseSku(input.sku),
      supplierSku: input.supplierSku.trim(),
      unitCostMinor: unitCostMinor!,
      currencyCode: input.unitCost.currencyCode,
      minimumOrderQuantity: input.minimumOrderQuantity,
      packSize: input.packSize,
      leadTimeDays: input.leadTimeDays ?? null,
    }
  );
}

export const supplierNotFound = (supplierId: string) => ({
  __typename: 'SupplierNotFoundError' as const,
  message: `No supplier has the id ${supplierId}.`,
  supplierId,
});

/** What the supplier mutations store as their result: ids, resolved again on every read. */
export type CreateSupplierSuccessResult = {
  __typename: 'CreateSupplierSuccess';
  supplierId: string;
};

export type UpdateSupplierSuccessResult = {
  __typename: 'UpdateSupplierSuccess';
  supplierId: string;
};

export type SetSupplierItemSuccessResult = {
  __typename: 'SetSupplierItemSuccess';
  supplierId: string;
  sku: string;
};
