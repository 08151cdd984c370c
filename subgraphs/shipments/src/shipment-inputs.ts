import {
  checkIdempotencyKey,
  checkText,
  firstProblem,
  invalidInput,
  type InvalidInput,
} from '@ordergraph/shared';
import { CARRIER_STATUSES, isCarrierStatus, type ShipmentStatus } from './shipment-status.js';
import { isTrackingNumber, normaliseTrackingNumber, type CarrierReport } from './tracking.js';

// a carrier's clock may run a little ahead; a report from further in the future is a mistake
const MAX_CLOCK_SKEW_MS = 24 * 60 * 60 * 1000;

/** Carrier codes are compared trimmed and in lower case. */
export const normaliseCarrierCode = (value: string): string => value.trim().toLowerCase();

const checkTrackingNumber = (trackingNumber: string): InvalidInput | null =>
  isTrackingNumber(trackingNumber)
    ? null
    : invalidInput('trackingNumber must be 4 to 40 letters, digits or dashes.', 'trackingNumber');

/** The checked parts of a shipShipment input (whether the carrier exists is the caller's). */
export function validateShipInput(input: {
  carrierCode: string;
  trackingNumber?: string | null;
  idempotencyKey: string;
}): { carrierCode: string; trackingNumber: string | null } | InvalidInput {
  const trackingNumber =
    input.trackingNumber == null ? null : normaliseTrackingNumber(input.trackingNumber);
  const problem = firstProblem(
    checkIdempotencyKey(input.idempotencyKey),
    checkText(input.carrierCode, { field: 'carrierCode', max: 40 }),
    trackingNumber === null ? null : checkTrackingNumber(trackingNumber),
  );
  if (problem) return problem;
  return { carrierCode: normaliseCarrierCode(input.carrierCode), trackingNumber };
}

/** The checked parts of a recordTrackingEvent input. */
export function validateTrackingInput(
  input: {
    carrierCode: string;
    trackingNumber: string;
    status: ShipmentStatus;
    description: string;
    location?: string | null;
    occurredAt: Date | string;
    idempotencyKey: string;
  },
  now: Date = new Date(),
): { carrierCode: string; trackingNumber: string; report: CarrierReport } | InvalidInput {
  const trackingNumber = normaliseTrackingNumber(input.trackingNumber);
  const occurredAt = new Date(input.occurredAt);
  const location = input.location?.trim() || null;
  const problem = firstProblem(
    checkIdempotencyKey(input.idempotencyKey),
    checkText(input.carrierCode, { field: 'carrierCode', max: 40 }),
    checkTrackingNumber(trackingNumber),
    isCarrierStatus(input.status)
      ? null
      : invalidInput(`A carrier reports one of ${CARRIER_STATUSES.join(', ')}.`, 'status'),
    checkText(input.description, { field: 'description', max: 500 }),
    checkText(location, { field: 'location', max: 200, required: false }),
    occurredAt.getTime() <= now.getTime() + MAX_CLOCK_SKEW_MS
      ? null
      : invalidInput('occurredAt must not be in the future.', 'occurredAt'),
  );
  if (problem) return problem;
  return {
    carrierCode: normaliseCarrierCode(input.carrierCode),
    trackingNumber,
    report: {
      status: input.status as CarrierReport['status'],
      description: input.description.trim(),
      location,
      occurredAt,
    },
  };
}
