import {
  hashRequest,
  invalidInput,
  systemActor,
  type Actor,
  type Database,
  inventoryEvents,
} from '@ordergraph/shared';
import { allocate, mergeLines, type Allocation, type AllocationLine } from './allocation.js';
import type { AllocationRow } from './db/schema.js';
import { createInventoryRepository } from './inventory.repository.js';
import { insufficientStock, type ReserveStockSuccessResult } from './inventory.js';
import { movement } from './ledger.js';
import { createReservationsRepository } from './reservations.repository.js';
import { appendStockEvents, moveStock } from './stock.js';

export type ReserveOutcome =
  | ReserveStockSuccessResult
  | ReturnType<typeof insufficientStock>
  | ReturnType<typeof invalidInput>;

// carries a business failure out of the transaction, which it rolls back
class Rollback extends Error {
  constructor(readonly outcome: ReserveOutcome) {
    super(outcome.__typename);
  }
}

const toAllocation = ({ sku, warehouseId, quantity }: AllocationRow): Allocation => ({
  sku,
  warehouseId,
  quantity,
});

/** the same lines in another order or split differently are the same request */
const hashLines = (lines: readonly AllocationLine[]) =>
  hashRequest({ lines: mergeLines(lines).sort((a, b) => (a.sku < b.sku ? -1 : 1)) });

/**
 * Holds stock for every line, or for none: in one transaction the stock rows of the SKUs are
 * locked (FOR UPDATE, in sku and warehouse order), allocated, and their `reserved` raised, so
 * concurrent reservations queue on the rows and never sell a unit twice. The reservation id
 * makes it idempotent: a repeated call (even a concurrent one) returns the first allocations.
 */
export async function reserveStock(
  db: Database,
  {
    reservationId,
    lines,
    actor,
  }: { reservationId: string; lines: readonly AllocationLine[]; actor: Actor },
): Promise<ReserveOutcome> {
  const requestHash = hashLines(lines);
  try {
    return await db.transaction(async (tx) => {
      const reservations = createReservationsRepository({ db: tx });
      const inventory = createInventoryRepository({ db: tx });
      const claimed = await reservations.claim({
        id: reservationId,
        status: 'ACTIVE',
        requestHash,
      });
      if (!claimed) {
        const existing = (await reservations.findById(reservationId))!;
        if (existing.status === 'RELEASED') {
          return invalidInput(
            `Reservation ${reservationId} was released; reserve under a new id.`,
            'reservationId',
          );
        }
        if (existing.requestHash !== requestHash) {
          return invalidInput(
            `Reservation ${reservationId} already exists with other lines.`,
            'reservationId',
          );
        }
        const allocations = await reservations.findAllocations(reservationId);
        return {
          __typename: 'ReserveStockSuccess',
          reservationId,
          allocations: allocations.map(toAllocation),
        };
      }

      const wanted = mergeLines(lines);
      const stock = await inventory.lockStock(wanted.map((line) => line.sku));
      // an inactive warehouse keeps its stock, but nothing is allocated from it
      const outcome = allocate({ lines: wanted, stock: stock.filter((row) => row.active) });
      if (!outcome.ok) throw new Rollback(insufficientStock(outcome.shortage));

      const { alerts } = await moveStock(
        tx,
        outcome.allocations.map((allocation) =>
          movement('RESERVATION', { ...allocation, reference: reservationId, actor }),
        ),
        // lockStock locked every level of these SKUs, in the ledger's order
        { levelsLocked: true },
      );
      await reservations.insertAllocations(reservationId, outcome.allocations);
      await appendStockEvents(
        tx,
        [
          inventoryEvents.event({
            streamType: 'reservation',
            streamId: reservationId,
            type: 'stock.reserved',
            payload: { reservationId, allocations: outcome.allocations },
          }),
        ],
        alerts,
      );
      return { __typename: 'ReserveStockSuccess', reservationId, allocations: outcome.allocations };
    });
  } catch (error) {
    if (error instanceof Rollback) return error.outcome;
    throw error;
  }
}

/**
 * Gives back what a locked ACTIVE reservation holds: RELEASE movements, the allocations and the
 * reservation RELEASED, and the event `type` (stock.released, or stock.expired when the
 * inventory let it go itself).
 */
async function giveBack(
  tx: Database,
  {
    reservationId,
    actor,
    type,
    note = null,
  }: {
    reservationId: string;
    actor: Actor;
    type: 'stock.released' | 'stock.expired';
    note?: string | null;
  },
): Promise<void> {
  const reservations = createReservationsRepository({ db: tx });
  const held = (await reservations.findAllocations(reservationId))
    .filter((allocation) => allocation.status === 'RESERVED')
    .map(toAllocation);
  await moveStock(
    tx,
    held.map((allocation) =>
      movement('RELEASE', { ...allocation, reference: reservationId, actor }, { note }),
    ),
  );
  await reservations.settleAllocations({ reservationId, status: 'RELEASED' });
  await reservations.setStatus(reservationId, 'RELEASED');
  await appendStockEvents(tx, [
    inventoryEvents.event({
      streamType: 'reservation',
      streamId: reservationId,
      type,
      payload: { reservationId, allocations: held },
    }),
  ]);
}

/**
 * Gives back what a reservation still holds; true once nothing is held. A release that
 * overtakes its reservation (the caller gave up waiting for it) leaves a RELEASED marker, so
 * the late reservation holds nothing.
 */
export async function releaseReservation(
  db: Database,
  { reservationId, actor }: { reservationId: string; actor: Actor },
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const reservations = createReservationsRepository({ db: tx });
    const marked = await reservations.claim({
      id: reservationId,
      status: 'RELEASED',
      requestHash: null,
    });
    if (marked) return true;
    const reservation = (await reservations.findById(reservationId, { lock: true }))!;
    if (reservation.status !== 'ACTIVE') return true;
    await giveBack(tx, { reservationId, actor, type: 'stock.released' });
    return true;
  });
}

/**
 * Marks a reservation as an order's, so that it never expires: true when it holds or has
 * shipped its stock, false when it is unknown or was released (e.g. it expired first).
 */
export async function confirmReservation(
  db: Database,
  { reservationId }: { reservationId: string },
): Promise<boolean> {
  const status = await createReservationsRepository({ db }).confirm(reservationId);
  return status === 'ACTIVE' || status === 'FULFILLED';
}

/**
 * Releases a reservation no order confirmed within `ttlMs` of its making: its caller died or
 * lost track of it (see reservation-expiry.ts). False when it was confirmed, released or
 * shipped meanwhile. `fence` runs first in the transaction (the lease of the runner).
 */
export async function expireReservation(
  db: Database,
  {
    reservationId,
    ttlMs,
    fence,
  }: { reservationId: string; ttlMs: number; fence?: (tx: Database) => Promise<void> },
): Promise<boolean> {
  return db.transaction(async (tx) => {
    await fence?.(tx);
    const reservation = await createReservationsRepository({ db: tx }).findById(reservationId, {
      lock: true,
    });
    if (reservation?.status !== 'ACTIVE' || reservation.confirmedAt !== null) return false;
    await giveBack(tx, {
      reservationId,
      actor: systemActor('inventory'),
      type: 'stock.expired',
      note: `not confirmed by an order within ${ttlMs} ms`,
    });
    return true;
  });
}

/**
 * Turns what a reservation holds in one warehouse into a SALE: on hand and reserved both go
 * down. True when sold, now or before; false when nothing is or was held there. Runs in the
 * caller's transaction (the shipments consumer's, with its cursor).
 */
export async function sellReservation(
  tx: Database,
  {
    reservationId,
    warehouseId,
    shipmentId = null,
    actor,
  }: {
    reservationId: string;
    warehouseId: string;
    shipmentId?: string | null;
    actor: Actor;
  },
): Promise<boolean> {
  const reservations = createReservationsRepository({ db: tx });
  const reservation = await reservations.findById(reservationId, { lock: true });
  if (!reservation) return false;
  const allocations = await reservations.findAllocations(reservationId);
  const here = allocations.filter((allocation) => allocation.warehouseId === warehouseId);
  const held = here.filter((allocation) => allocation.status === 'RESERVED').map(toAllocation);
  if (held.length === 0) return here.some((allocation) => allocation.status === 'SHIPPED');

  const { alerts } = await moveStock(
    tx,
    held.map((allocation) => movement('SALE', { ...allocation, reference: reservationId, actor })),
  );
  await reservations.settleAllocations({ reservationId, warehouseId, status: 'SHIPPED' });
  const stillHeld = allocations.some(
    (allocation) => allocation.status === 'RESERVED' && allocation.warehouseId !== warehouseId,
  );
  if (!stillHeld) await reservations.setStatus(reservationId, 'FULFILLED');
  await appendStockEvents(
    tx,
    [
      inventoryEvents.event({
        streamType: 'reservation',
        streamId: reservationId,
        type: 'stock.sold',
        payload: { reservationId, warehouseId, shipmentId, allocations: held },
      }),
    ],
    alerts,
  );
  return true;
}

/** sellReservation in a transaction of its own, for the shipReservation command. */
export const shipReservation = (
  db: Database,
  options: { reservationId: string; warehouseId: string; actor: Actor },
): Promise<boolean> => db.transaction((tx) => sellReservation(tx, options));
