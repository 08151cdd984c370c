import {
  checkIdempotencyKey,
  checkText,
  firstProblem,
  invalidInput,
  isCountryCode,
  type InvalidInput,
} from '@ordergraph/shared';

export const MAX_WAREHOUSE_PRIORITY = 1_000;

/** Codes as they are stored: upper-case letters, digits and dashes, 2 to 20 of them. */
export const normaliseWarehouseCode = (code: string) => code.trim().toUpperCase();
const WAREHOUSE_CODE = /^[A-Z0-9][A-Z0-9-]{1,19}$/;

/** A warehouse's id, made from its code once and never changed: shipments and orders keep it. */
export const warehouseIdFor = (code: string) => `wh-${code.toLowerCase()}`;

/** A warehouse's street address, trimmed, optional parts null. */
export interface WarehouseAddress {
  line1: string;
  line2: string | null;
  city: string;
  region: string | null;
  postalCode: string;
  country: string;
}

/** A warehouse to create, checked and normalised. */
export interface NewWarehouse extends WarehouseAddress {
  id: string;
  code: string;
  name: string;
  priority: number;
  active: boolean;
}

/** What updateWarehouse changes; absent fields stay as they are. */
export type WarehouseChanges = Partial<
  Pick<NewWarehouse, 'name' | 'priority' | 'active'> & WarehouseAddress
>;

interface AddressInput {
  line1: string;
  line2?: string | null;
  city: string;
  region?: string | null;
  postalCode: string;
  country: string;
}

const optional = (value: string | null | undefined) => value?.trim() || null;

function checkAddress(address: AddressInput, prefix: string): InvalidInput | null {
  return firstProblem(
    checkText(address.line1, { field: `${prefix}.line1` }),
    checkText(address.line2, { field: `${prefix}.line2`, required: false }),
    checkText(address.city, { field: `${prefix}.city`, max: 100 }),
    checkText(address.region, { field: `${prefix}.region`, max: 100, required: false }),
    checkText(address.postalCode, { field: `${prefix}.postalCode`, max: 20 }),
    isCountryCode(address.country.trim().toUpperCase())
      ? null
      : invalidInput('country must be an ISO 3166-1 alpha-2 code, e.g. "US".', `${prefix}.country`),
  );
}

const normaliseAddress = (address: AddressInput): WarehouseAddress => ({
  line1: address.line1.trim(),
  line2: optional(address.line2),
  city: address.city.trim(),
  region: optional(address.region),
  postalCode: address.postalCode.trim(),
  country: address.country.trim().toUpperCase(),
});

const checkPriority = (priority: number | null | undefined) =>
  priority == null ||
  (Number.isInteger(priority) && priority >= 0 && priority <= MAX_WAREHOUSE_PRIORITY)
    ? null
    : invalidInput(`priority must be between 0 and ${MAX_WAREHOUSE_PRIORITY}.`, 'priority');

/** Checks a new warehouse: its code is normalised (trimmed, upper-case) before it is checked. */
export function validateNewWarehouse(input: {
  code: string;
  name: string;
  address: AddressInput;
  priority?: number | null;
  active?: boolean | null;
  idempotencyKey: string;
}): NewWarehouse | InvalidInput {
  const code = normaliseWarehouseCode(input.code);
  const problem = firstProblem(
    checkIdempotencyKey(input.idempotencyKey),
    WAREHOUSE_CODE.test(code)
      ? null
      : invalidInput('code must be 2 to 20 letters, digits or dashes, e.g. "EAST".', 'code'),
    checkText(input.name, { field: 'name' }),
    checkAddress(input.address, 'address'),
    checkPriority(input.priority),
  );
  if (problem) return problem;
  return {
    id: warehouseIdFor(code),
    code,
    name: input.name.trim(),
    ...normaliseAddress(input.address),
    priority: input.priority ?? 100,
    active: input.active ?? true,
  };
}

/** Checks an update: at least one change, each valid; null fields are left as they are. */
export function validateWarehouseChanges(input: {
  warehouseId: string;
  name?: string | null;
  address?: AddressInput | null;
  priority?: number | null;
  active?: boolean | null;
  idempotencyKey: string;
}): { warehouseId: string; changes: WarehouseChanges } | InvalidInput {
  const problem = firstProblem(
    checkIdempotencyKey(input.idempotencyKey),
    checkText(input.warehouseId, { field: 'warehouseId', max: 100 }),
    input.name == null ? null : checkText(input.name, { field: 'name' }),
    input.address == null ? null : checkAddress(input.address, 'address'),
    checkPriority(input.priority),
  );
  if (problem) return problem;
  const changes: WarehouseChanges = {
    ...(input.name == null ? {} : { name: input.name.trim() }),
    ...(input.address == null ? {} : normaliseAddress(input.address)),
    ...(input.priority == null ? {} : { priority: input.priority }),
    ...(input.active == null ? {} : { active: input.active }),
  };
  if (Object.keys(changes).length === 0) {
    return invalidInput('Nothing to change: give name, address, priority or active.', 'input');
  }
  return { warehouseId: input.warehouseId, changes };
}

/** What the warehouse mutations store as their result (see withIdempotency). */
export type WarehouseSuccessResult<
  Typename extends string =
    'CreateWarehouseSuccess' | 'UpdateWarehouseSuccess' | 'DeactivateWarehouseSuccess',
> = { __typename: Typename; warehouseId: string };

export const warehouseCodeTaken = (code: string) => ({
  __typename: 'WarehouseCodeTakenError' as const,
  message: `A warehouse already has the code ${code}.`,
  code,
  field: 'code',
});

export const unknownWarehouse = (warehouseId: string, field = 'warehouseId') =>
  invalidInput(`No warehouse has the id ${warehouseId}.`, field);

export const inactiveWarehouse = (code: string, field = 'warehouseId') =>
  invalidInput(
    `Warehouse ${code} is inactive: it keeps its stock but takes no receipts. Reactivate it with updateWarehouse first.`,
    field,
  );
