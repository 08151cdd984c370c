import { and, asc, eq, isNull, lt, sql } from 'drizzle-orm';
import type { Database } from '@ordergraph/shared';
import { orderRequests, type OrderRequestRow } from '../db/schema.js';
import type { SagaStep } from './order-saga.js';

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

const olderThan = (ms: number) =>
  lt(orderRequests.claimedAt, sql`now() - ${ms}::integer * interval '1 millisecond'`);

/** What the saga has recorded so far: the steps begun, and the authorization once known. */
export interface SagaProgress {
  steps: SagaStep[];
  authorizationId: string | null;
}

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
    }): Promise<(Claim & SagaProgress) | null> {
      const [row] = await db
        .update(orderRequests)
        .set({ attempt, claimedAt: sql`now()` })
        .where(
          and(byKey({ scope, key }), eq(orderRequests.status, 'PENDING'), olderThan(staleAfterMs)),
        )
        .returning({
          orderId: orderRequests.orderId,
          steps: orderRequests.steps,
          authorizationId: orderRequests.authorizationId,
        });
      return row ? { scope, key, attempt, ...row } : null;
    },

    /**
     * Records the saga's progress before its next call; false when this attempt no longer holds
     * the claim, and so must not make the call.
     */
    async record(claim: Claim, progress: SagaProgress): Promise<boolean> {
      const updated = await db
        .update(orderRequests)
        .set({ ...progress, claimedAt: sql`now()` })
        .where(byAttempt(claim))
        .returning({ orderId: orderRequests.orderId });
      return updated.length === 1;
    },

    /** stores the result (with the steps, when given); false when this attempt lost the claim */
    async complete(
      claim: Claim,
      result: Record<string, unknown>,
      steps?: SagaStep[],
    ): Promise<boolean> {
      const updated = await db
        .update(orderRequests)
        .set({
          status: 'COMPLETED',
          result,
          completedAt: sql`now()`,
          claimedAt: sql`now()`,
          ...(steps ? { steps } : {}),
        })
        .where(byAttempt(claim))
        .returning({ orderId: orderRequests.orderId });
      return updated.length === 1;
    },

    /** marks that nothing is left to do for the request (with its last steps, when given) */
    async settle(key: { scope: string; key: string }, steps?: SagaStep[]): Promise<void> {
      await db
        .update(orderRequests)
        .set({ settledAt: sql`now()`, ...(steps ? { steps } : {}) })
        .where(and(byKey(key), isNull(orderRequests.settledAt)));
    },

    /** puts off recovery of an unsettled request (one it could not finish yet) */
    async touch(key: { scope: string; key: string }): Promise<void> {
      await db
        .update(orderRequests)
        .set({ claimedAt: sql`now()` })
        .where(and(byKey(key), isNull(orderRequests.settledAt)));
    },

    /** unsettled requests nobody has touched for `idleMs`, the longest idle first */
    async findAbandoned({
      idleMs,
      limit,
    }: {
      idleMs: number;
      limit: number;
    }): Promise<OrderRequestRow[]> {
      return db
        .select()
        .from(orderRequests)
        .where(and(isNull(orderRequests.settledAt), olderThan(idleMs)))
        .orderBy(asc(orderRequests.claimedAt))
        .limit(limit);
    },

    /**
     * Stores the result of an attempt found abandoned, unless it moved since it was read (its
     * process was alive after all, or another replica got there first).
     */
    async completeAbandoned(
      row: Pick<OrderRequestRow, 'scope' | 'idempotencyKey' | 'attempt' | 'claimedAt'>,
      result: Record<string, unknown>,
    ): Promise<boolean> {
      const updated = await db
        .update(orderRequests)
        .set({ status: 'COMPLETED', result, completedAt: sql`now()`, claimedAt: sql`now()` })
        .where(
          and(
            byKey({ scope: row.scope, key: row.idempotencyKey }),
            eq(orderRequests.attempt, row.attempt),
            eq(orderRequests.status, 'PENDING'),
            eq(orderRequests.claimedAt, row.claimedAt),
          ),
        )
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
