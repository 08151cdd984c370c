import { and, eq, lt, sql } from 'drizzle-orm';
import type { Database } from '@ordergraph/shared';
import { orderRequests, type OrderRequestRow } from './db/schema.js';

/** A held claim on a placeOrder idempotency key: this attempt runs the saga for `orderId`. */
export interface Claim {
  scope: string;
  key: string;
  attempt: string;
  orderId: string;
}

const byKey = ({ scope, key }: { scope: string; key: string }) =>
  and(eq(orderRequests.scope, scope), eq(orderRequests.idempotencyKey, key));

const byAttempt = (claim: Claim) =>
  and(byKey(claim), eq(orderRequests.attempt, claim.attempt), eq(orderRequests.status, 'PENDING'));

/** The SQL of placeOrder's idempotency claims, as plain functions over `db`. */
export function createOrderRequestsRepository({ db }: { db: Database }) {
  return {
    /** takes the key for this attempt; false when another request holds it */
    async claim(claim: Claim & { requestHash: string }): Promise<boolean> {
      const inserted = await db
        .insert(orderRequests)
        .values({
          scope: claim.scope,
          idempotencyKey: claim.key,
          requestHash: claim.requestHash,
          status: 'PENDING',
          orderId: claim.orderId,
          attempt: claim.attempt,
        })
        .onConflictDoNothing()
        .returning({ orderId: orderRequests.orderId });
      return inserted.length === 1;
    },

    async find(key: { scope: string; key: string }): Promise<OrderRequestRow | null> {
      const [row] = await db.select().from(orderRequests).where(byKey(key));
      return row ?? null;
    },

    /**
     * Takes over a claim whose saga stopped answering (its process died): the new attempt
     * keeps the order id, so the stock reservation and payment it made are picked up again.
     */
    async takeOver({
      scope,
      key,
      attempt,
      staleAfterMs,
    }: {
      scope: string;
      key: string;
      attempt: string;
      staleAfterMs: number;
    }): Promise<Claim | null> {
      const [row] = await db
        .update(orderRequests)
        .set({ attempt, claimedAt: sql`now()` })
        .where(
          and(
            byKey({ scope, key }),
            eq(orderRequests.status, 'PENDING'),
            lt(
              orderRequests.claimedAt,
              sql`now() - ${staleAfterMs}::integer * interval '1 millisecond'`,
            ),
          ),
        )
        .returning({ orderId: orderRequests.orderId });
      return row ? { scope, key, attempt, orderId: row.orderId } : null;
    },

    /** stores the result; false when this attempt no longer holds the claim */
    async complete(claim: Claim, result: Record<string, unknown>): Promise<boolean> {
      const updated = await db
        .update(orderRequests)
        .set({ status: 'COMPLETED', result, completedAt: sql`now()` })
        .where(byAttempt(claim))
        .returning({ orderId: orderRequests.orderId });
      return updated.length === 1;
    },

    /** gives the key up, so that a retry runs afresh; false when this attempt did not hold it */
    async release(claim: Claim): Promise<boolean> {
      const deleted = await db
        .delete(orderRequests)
        .where(byAttempt(claim))
        .returning({ orderId: orderRequests.orderId });
      return deleted.length === 1;
    },
  };
}

export type OrderRequestsRepository = ReturnType<typeof createOrderRequestsRepository>;
