import { and, asc, eq, max, sql } from 'drizzle-orm';
import { idempotencyKeys, type Database } from '@ordergraph/shared';
import { paymentCaptures, refunds, returns, type RefundRow } from '../db/schema.js';

type NewRefund = Omit<
  RefundRow,
  'id' | 'createdAt' | 'touchedAt' | 'status' | 'providerRefundId' | 'failureReason' | 'settledAt'
>;

/**
 * The SQL of refunds: the order's captures they are paid against, the refunds themselves, and
 * refundReturn's idempotency keys, which span several transactions. Plain functions over `db`.
 */
export function createRefundsRepository({ db }: { db: Database }) {
  return {
    /** counts a refusal of the provider: the next attempt asks under new idempotency keys */
    async countRefundAttempt(returnId: string): Promise<void> {
      await db
        .update(returns)
        .set({ refundAttempts: sql`${returns.refundAttempts} + 1`, updatedAt: sql`now()` })
        .where(eq(returns.id, returnId));
    },

    async markRefunded(returnId: string, amount: number): Promise<void> {
      await db
        .update(returns)
        .set({
          status: 'REFUNDED',
          refundedAmount: amount,
          refundedAt: sql`now()`,
          updatedAt: sql`now()`,
        })
        .where(eq(returns.id, returnId));
    },

    /** the provider's captures of the order's payment, oldest first */
    async findCaptures(orderId: string): Promise<{ captureId: string; amount: number }[]> {
      const rows = await db
        .select({ captureId: paymentCaptures.providerCaptureId, amount: paymentCaptures.amount })
        .from(paymentCaptures)
        .where(and(eq(paymentCaptures.orderId, orderId), eq(paymentCaptures.status, 'CAPTURED')))
        .orderBy(asc(paymentCaptures.createdAt), asc(paymentCaptures.shipmentId));
      return rows.flatMap(({ captureId, amount }) => (captureId ? [{ captureId, amount }] : []));
    },

    /** every refund of the order's payment, paid or under way or refused, oldest first */
    async findRefundsByOrderId(orderId: string): Promise<RefundRow[]> {
      return db
        .select()
        .from(refunds)
        .where(eq(refunds.orderId, orderId))
        .orderBy(asc(refunds.createdAt), asc(refunds.providerKey));
    },

    /** the refunds of a return still waiting for the provider's answer */
    async findPending(returnId: string): Promise<RefundRow[]> {
      return db
        .select()
        .from(refunds)
        .where(and(eq(refunds.returnId, returnId), eq(refunds.status, 'PENDING')))
        .orderBy(asc(refunds.createdAt), asc(refunds.providerKey));
    },

    /** puts off recovery of a return's PENDING refunds: they are being finished, or cannot be yet */
    async touchPending(returnId: string): Promise<void> {
      await db
        .update(refunds)
        .set({ touchedAt: sql`now()` })
        .where(and(eq(refunds.returnId, returnId), eq(refunds.status, 'PENDING')));
    },

    /** returns whose PENDING refunds nobody has touched for `idleMs`, the longest idle first */
    async findAbandonedReturns({
      idleMs,
      limit,
    }: {
      idleMs: number;
      limit: number;
    }): Promise<string[]> {
      const touched = max(refunds.touchedAt);
      const rows = await db
        .select({ returnId: refunds.returnId })
        .from(refunds)
        .where(eq(refunds.status, 'PENDING'))
        .groupBy(refunds.returnId)
        .having(sql`${touched} < now() - ${idleMs}::integer * interval '1 millisecond'`)
        .orderBy(asc(touched))
        .limit(limit);
      return rows.map(({ returnId }) => returnId);
    },

    async insertRefunds(rows: readonly NewRefund[]): Promise<RefundRow[]> {
      if (rows.length === 0) return [];
      return db
        .insert(refunds)
        .values(rows.map((row) => ({ ...row, status: 'PENDING' as const })))
        .returning();
    },

    /** records the provider's answer to a refund still PENDING; a settled one stays as it is */
    async settleRefund(
      id: string,
      answer:
        | { status: 'REFUNDED'; providerRefundId: string }
        | { status: 'FAILED'; failureReason: string },
    ): Promise<boolean> {
      const settled = await db
        .update(refunds)
        .set({ ...answer, settledAt: sql`now()` })
        .where(and(eq(refunds.id, id), eq(refunds.status, 'PENDING')))
        .returning({ id: refunds.id });
      return settled.length === 1;
    },

    /**
     * Takes an idempotency key for a refund, whose work spans several transactions: `claimed`
     * the first time, `running` while an earlier call with the key has not finished (it may
     * have died: the caller resumes its work), the stored result once it has.
     */
    async claimKey({
      scope,
      key,
      requestHash,
    }: {
      scope: string;
      key: string;
      requestHash: string;
    }): Promise<
      | { state: 'claimed' | 'running' | 'mismatch' }
      | { state: 'done'; result: Record<string, unknown> }
    > {
      const claimed = await db
        .insert(idempotencyKeys)
        .values({ scope, key, requestHash, result: {} })
        .onConflictDoNothing()
        .returning({ key: idempotencyKeys.key });
      if (claimed.length === 1) return { state: 'claimed' };
      const [held] = await db
        .select()
        .from(idempotencyKeys)
        .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)));
      if (!held || held.requestHash !== requestHash) return { state: 'mismatch' };
      return '__typename' in held.result
        ? { state: 'done', result: held.result }
        : { state: 'running' };
    },

    async storeResult({
      scope,
      key,
      result,
    }: {
      scope: string;
      key: string;
      result: Record<string, unknown>;
    }): Promise<void> {
      await db
        .update(idempotencyKeys)
        .set({ result })
        .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)));
    },
  };
}

export type RefundsRepository = ReturnType<typeof createRefundsRepository>;
