import {
  checkIdempotencyKey,
  checkText,
  firstProblem,
  invalidInput,
  type InvalidInput,
} from '@ordergraph/shared';
import { normaliseCarrierCode } from './shipment-inputs.js';
import { TRACKING_NUMBER_PLACEHOLDER } from './shipments.js';

export const MAX_TRANSIT_DAYS = 60;
const CARRIER_CODE = /^[a-z0-9][a-z0-9-]{1,19}$/;

/** A carrier to create, checked and normalised. */
export interface NewCarrier {
  code: string;
  name: string;
  trackingUrlTemplate: string;
  transitDays: number;
  active: boolean;
}

/** What updateCarrier changes; absent fields stay as they are. */
export type CarrierChanges = Partial<Omit<NewCarrier, 'code'>>;

/** An http(s) URL with exactly one `{trackingNumber}` where the number goes. */
function checkTemplate(template: string): InvalidInput | null {
  const field = 'trackingUrlTemplate';
  const trimmed = template.trim();
  let url: URL | null = null;
  try {
    url = new URL(trimmed.replace(TRACKING_NUMBER_PLACEHOLDER, 'X'));
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || trimmed.length > 500)
    return invalidInput(`${field} must be an http(s) URL of at most 500 characters.`, field);
  if (trimmed.split(TRACKING_NUMBER_PLACEHOLDER).length !== 2)
    return invalidInput(
      `${field} must hold ${TRACKING_NUMBER_PLACEHOLDER} once, where the number goes.`,
      field,
    );
  return null;
}

const checkTransitDays = (days: number | null | undefined) =>
  days == null || (Number.isInteger(days) && days >= 0 && days <= MAX_TRANSIT_DAYS)
    ? null
    : invalidInput(`transitDays must be between 0 and ${MAX_TRANSIT_DAYS}.`, 'transitDays');

/** Checks a new carrier: its code is normalised (trimmed, lower case) before it is checked. */
export function validateNewCarrier(input: {
  code: string;
  name: string;
  trackingUrlTemplate: string;
  transitDays?: number | null;
  active?: boolean | null;
  idempotencyKey: string;
}): NewCarrier | InvalidInput {
  const code = normaliseCarrierCode(input.code);
  const problem = firstProblem(
    checkIdempotencyKey(input.idempotencyKey),
    CARRIER_CODE.test(code)
      ? null
      : invalidInput('code must be 2 to 20 letters, digits or dashes, e.g. "ups".', 'code'),
    checkText(input.name, { field: 'name', max: 100 }),
    checkTemplate(input.trackingUrlTemplate),
    checkTransitDays(input.transitDays),
  );
  if (problem) return problem;
  return {
    code,
    name: input.name.trim(),
    trackingUrlTemplate: input.trackingUrlTemplate.trim(),
    transitDays: input.transitDays ?? 3,
    active: input.active ?? true,
  };
}

/** Checks an update: at least one change, each valid. */
export function validateCarrierChanges(input: {
  code: string;
  name?: string | null;
  trackingUrlTemplate?: string | null;
  transitDays?: number | null;
  active?: boolean | null;
  idempotencyKey: string;
}): { code: string; changes: CarrierChanges } | InvalidInput {
  const problem = firstProblem(
    checkIdempotencyKey(input.idempotencyKey),
    checkText(input.code, { field: 'code', max: 40 }),
    input.name == null ? null : checkText(input.name, { field: 'name', max: 100 }),
    input.trackingUrlTemplate == null ? null : checkTemplate(input.trackingUrlTemplate),
    checkTransitDays(input.transitDays),
  );
  if (problem) return problem;
  const changes: CarrierChanges = {
    ...(input.name == null ? {} : { name: input.name.trim() }),
    ...(input.trackingUrlTemplate == null
      ? {}
      : { trackingUrlTemplate: input.trackingUrlTemplate.trim() }),
    ...(input.transitDays == null ? {} : { transitDays: input.transitDays }),
    ...(input.active == null ? {} : { active: input.active }),
  };
  if (Object.keys(changes).length === 0) {
    return invalidInput(
      'Nothing to change: give name, trackingUrlTemplate, transitDays or active.',
      'input',
    );
  }
  return { code: normaliseCarrierCode(input.code), changes };
}

/** What the carrier mutations store as their result (see withIdempotency). */
export type CarrierSuccessResult<
  Typename extends string = 'CreateCarrierSuccess' | 'UpdateCarrierSuccess',
> = { __typename: Typename; code: string };

export const carrierCodeTaken = (code: string) => ({
  __typename: 'CarrierCodeTakenError' as const,
  message: `A carrier already has the code ${code}.`,
  code,
  field: 'code',
});

export const unknownCarrier = (code: string, field = 'code') =>
  invalidInput(`No carrier has the code ${code}.`, field);

export const inactiveCarrier = (code: string, field = 'carrierCode') =>
  invalidInput(`Carrier ${code} is inactive: it takes no new parcels.`, field);
