import { and, asc, eq, isNull, lt, sql } from 'drizzle-orm';
import type { Database } from '@ordergraph/shared';
import type { Allocation } from './allocation.js';
import {
  reservationAllocations,
  reservations,
  type AllocationRow,
  type AllocationStatus,
  type ReservationRow,
  type ReservationStatus,
} from './db/schema.js';

/** The inventory's SQL for reservations and their allocations, over `db` or a transaction. */
export function createReservationsRepository({ db }: { db: Database }) {
  return {
    /**
     * Creates the reservation unless its id is taken; false when it is. A concurrent claim of
     * the same id waits here until the first one commits or rolls back.
     */
    async claim({
      id,
      status,
      requestHash,
    }: {
      id: string;
      status: ReservationStatus;
      requestHash: string | null;
    }): Promise<boolean> {
      const inserted = await db
        .insert(reservations)
        .values({ id, status, requestHash })
        .onConflictDoNothing()
        .returning({ id: reservations.id });
      return inserted.length > 0;
    },

    /** the reservation, locked until the transaction ends when `lock` is set */
    async findById(id: string, { lock = false } = {}): Promise<ReservationRow | null> {
      const query = db.select().from(reservations).where(eq(reservations.id, id));
      const [row] = lock ? await query.for('update') : await query;
      return row ?? null;
    },

    /** in the order they were allocated */
    async findAllocations(reservationId: string): Promise<AllocationRow[]> {
      return db
        .select()
        .from(reservationAllocations)
        .where(eq(reservationAllocations.reservationId, reservationId))
        .orderBy(asc(reservationAllocations.position));
    },

    async insertAllocations(reservationId: string, allocations: readonly Allocation[]) {
      if (allocations.length === 0) return;
      await db
        .insert(reservationAllocations)
        .values(
          allocations.map((allocation, position) => ({ reservationId, position, ...allocation })),
        );
    },

    /** moves held allocations (of one warehouse, when given) to `status` */
    async settleAllocations({
      reservationId,
      warehouseId,
      status,
    }: {
      reservationId: string;
      warehouseId?: string;
      status: Exclude<AllocationStatus, 'RESERVED'>;
    }): Promise<void> {
      await db
        .update(reservationAllocations)
        .set({ status })
        .where(
          and(
            eq(reservationAllocations.reservationId, reservationId),
            eq(reservationAllocations.status, 'RESERVED'),
            warehouseId ? eq(reservationAllocations.warehouseId, warehouseId) : undefined,
          ),
        );
    },

    /** marks the reservation confirmed (once); its status, null when there is none */
    async confirm(id: string): Promise<ReservationStatus | null> {
      const [row] = await db
        .update(reservations)
        .set({ confirmedAt: sql`coalesce(${reservations.confirmedAt}, now())` })
        .where(eq(reservations.id, id))
        .returning({ status: reservations.status });
      return row?.status ?? null;
    },

    /** unconfirmed ACTIVE reservations made more than `ttlMs` ago, the oldest first */
    async findExpired({ ttlMs, limit }: { ttlMs: number; limit: number }): Promise<string[]> {
      const rows = await db
        .select({ id: reservations.id })
        .from(reservations)
        .where(
          and(
            eq(reservations.status, 'ACTIVE'),
            isNull(reservations.confirmedAt),
            lt(reservations.createdAt, sql`now() - ${ttlMs}::integer * interval '1 millisecond'`),
          ),
        )
        .orderBy(asc(reservations.createdAt))
        .limit(limit);
      return rows.map((row) => row.id);
    },

    async setStatus(id: string, status: ReservationStatus): Promise<void> {
      await db
        .update(reservations)
        .set({ status, updatedAt: sql`now()` })
        .where(eq(reservations.id, id));
    },
  };
}

export type ReservationsRepository = ReturnType<typeof createReservationsRepository>;
