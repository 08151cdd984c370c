import { and, asc, eq, isNull, lt, sql } from 'drizzle-orm';
import type { Database } from '@ordergraph/shared';
import { orderCancellations, type OrderCancellationRow } from '../db/schema.js';

/** The SQL of the cancellations under way, as plain functions over `db`. */
export function createCancellationsRepository({ db }: { db: Database }) {
  return {
    /** records that the order is being cancelled, before anything is asked of other services */
    async begin({
      orderId,
      reason,
      cancelledBy,
    }: {
      orderId: string;
      reason: string | null;
      cancelledBy: string;
    }): Promise<void> {
      await db
        .insert(orderCancellations)
        .values({ orderId, reason, cancelledBy })
        .onConflictDoUpdate({
          target: orderCancellations.orderId,
          set: { reason, cancelledBy, touchedAt: sql`now()`, settledAt: null },
        });
    },

    /** nothing is left to do: the order is cancelled, or something had shipped */
    async settle(orderId: string): Promise<void> {
      await db
        .update(orderCancellations)
        .set({ settledAt: sql`now()` })
        .where(and(eq(orderCancellations.orderId, orderId), isNull(orderCancellations.settledAt)));
    },

    /** puts off recovery of a cancellation it could not finish yet */
    async touch(orderId: string): Promise<void> {
      await db
        .update(orderCancellations)
        .set({ touchedAt: sql`now()` })
        .where(and(eq(orderCancellations.orderId, orderId), isNull(orderCancellations.settledAt)));
    },

    /** unsettled cancellations nobody has touched for `idleMs`, the longest idle first */
    async findAbandoned({
      idleMs,
      limit,
    }: {
      idleMs: number;
      limit: number;
    }): Promise<OrderCancellationRow[]> {
      return db
        .select()
        .from(orderCancellations)
        .where(
          and(
            isNull(orderCancellations.settledAt),
            lt(
              orderCancellations.touchedAt,
              sql`now() - ${idleMs}::integer * interval '1 millisecond'`,
            ),
          ),
        )
        .orderBy(asc(orderCancellations.touchedAt))
        .limit(limit);
    },
  };
}

export type CancellationsRepository = ReturnType<typeof createCancellationsRepository>;
