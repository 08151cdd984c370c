import {
  startLeasedSweep,
  startPeriodicSweep,
  sweepInBatches,
  type PeriodicSweep,
  type Database,
  type DatabaseHandle,
  type Logger,
  type SweepLeaseOptions,
} from '@ordergraph/shared';
import { createReservationsRepository } from './reservations.repository.js';
import { expireReservation } from './reservations.js';

/** The lease under which one replica at a time releases expired reservations. */
export const RESERVATION_EXPIRY_LEASE = 'inventory:reservation-expiry';

/** sweep() releases every reservation expired now and resolves with how many it released */
export type ReservationExpiry = PeriodicSweep;

/**
 * The inventory's own safety net under placeOrder: a reservation no order confirmed within
 * `ttlMs` is released (RELEASE movements, `stock.expired`), so stock never stays held for an
 * order that does not exist, even when the orders service is gone. Looks every
 * `pollIntervalMs`; `fence` (the lease's) runs in each release's transaction.
 */
export function startReservationExpiry({
  handle,
  ttlMs,
  log,
  fence,
  pollIntervalMs = Math.min(60_000, Math.max(100, Math.floor(ttlMs / 4))),
  batchSize = 100,
}: {
  handle: DatabaseHandle;
  ttlMs: number;
  log: Logger;
  fence?: (tx: Database) => Promise<void>;
  pollIntervalMs?: number;
  batchSize?: number;
}): ReservationExpiry {
  const reservations = createReservationsRepository({ db: handle.db });
  return startPeriodicSweep({
    intervalMs: pollIntervalMs,
    log,
    failure: 'releasing expired reservations failed; retrying',
    pass: (stopped) =>
      sweepInBatches({
        stopped,
        batchSize,
        find: (limit) => reservations.findExpired({ ttlMs, limit }),
        async each(reservationId) {
          if (!(await expireReservation(handle.db, { reservationId, ttlMs, fence }))) return false;
          log.warn({ reservationId, ttlMs }, 'released a reservation no order confirmed');
          return true;
        },
      }),
  });
}

/** startReservationExpiry on whichever replica holds its lease, fenced by it. */
export function startLeasedReservationExpiry({
  ttlMs,
  ...lease
}: SweepLeaseOptions & { ttlMs: number }): Promise<{ stop(): Promise<void> }> {
  const { handle, log } = lease;
  return startLeasedSweep({
    ...lease,
    name: RESERVATION_EXPIRY_LEASE,
    start: (fence) => startReservationExpiry({ handle, ttlMs, log, fence }),
  });
}
