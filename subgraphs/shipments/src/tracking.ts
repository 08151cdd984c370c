import { createHash, randomInt } from 'node:crypto';
import {
  canTransition,
  checkTransition,
  hasPassed,
  type CarrierStatus,
  type InvalidTransition,
  type ShipmentStatus,
} from './shipment-status.js';

/** A step of a parcel's journey as its carrier reports it. */
export interface CarrierReport {
  status: CarrierStatus;
  description: string;
  location: string | null;
  occurredAt: Date;
}

/**
 * What a carrier report does to a shipment: `move` sets the reported status, `history` only
 * joins the tracking timeline, an InvalidTransition refuses it and changes nothing.
 */
export type TrackingOutcome = { kind: 'move' } | { kind: 'history' } | InvalidTransition;

/**
 * Decides what a new (not duplicate) carrier report does. A report older than the one that set
 * the current status, or about a status the shipment has already passed (a delivered parcel
 * reported in transit), is history; a newer report moves the status when the life cycle allows
 * it; anything else is a contradiction and refused.
 */
export function decideTracking({
  current,
  statusReportedAt,
  report,
}: {
  current: ShipmentStatus;
  /** when the report that set the current status happened; null when the warehouse set it */
  statusReportedAt: Date | null;
  report: Pick<CarrierReport, 'status' | 'occurredAt'>;
}): TrackingOutcome {
  if (statusReportedAt && report.occurredAt < statusReportedAt) return { kind: 'history' };
  if (canTransition(current, report.status)) return { kind: 'move' };
  if (hasPassed(current, report.status)) return { kind: 'history' };
  return checkTransition(current, report.status)!;
}

/**
 * The identity of a carrier report: carriers resend the same scan, sometimes with a new
 * idempotency key, and it must be recorded once.
 */
export function trackingDedupeKey(report: CarrierReport): string {
  const fields = [
    report.status,
    report.occurredAt.toISOString(),
    report.description,
    report.location,
  ];
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

/** Tracking numbers are compared without surrounding space and case. */
export const normaliseTrackingNumber = (value: string): string => value.trim().toUpperCase();

/** 4 to 40 letters, digits and dashes (after normalising). */
export const isTrackingNumber = (value: string): boolean => /^[A-Z0-9-]{4,40}$/.test(value);

/** A new tracking number for a carrier that gave none: the carrier's code and 12 digits. */
export function generateTrackingNumber(carrierCode: string, digit = () => randomInt(10)): string {
  const digits = Array.from({ length: 12 }, () => digit()).join('');
  return `${carrierCode.toUpperCase().replace(/[^A-Z0-9]/g, '')}-${digits}`;
}

const DELIVERY_HOUR_UTC = 18;

/**
 * When a parcel handed over at `shippedAt` is expected: the end (18:00 UTC) of the day
 * `transitDays` business days later; carriers do not count weekends.
 */
export function estimateDelivery(shippedAt: Date, transitDays: number): Date {
  const day = new Date(
    Date.UTC(shippedAt.getUTCFullYear(), shippedAt.getUTCMonth(), shippedAt.getUTCDate()),
  );
  let remaining = Math.max(1, transitDays);
  while (remaining > 0) {
    day.setUTCDate(day.getUTCDate() + 1);
    const weekday = day.getUTCDay();
    if (weekday !== 0 && weekday !== 6) remaining--;
  }
  day.setUTCHours(DELIVERY_HOUR_UTC);
  return day;
}
