import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { type Database, transaction } from '@ordergraph/shared';
import {
  testPaymentAnswers,
  testPaymentAuthorizations,
  testPaymentCaptures,
} from '../db/schema.js';
import type {
  AuthorizeResult,
  CaptureResult,
  PaymentProvider,
  RefundResult,
} from './payment-provider.js';

/** The tokens the test provider knows, and what it declines them with. */
export const TEST_TOKENS = {
  approve: ['tok_visa', 'tok_mastercard'],
  decline: {
    tok_declined: 'card_declined',
    tok_insufficient_funds: 'insufficient_funds',
    tok_expired: 'expired_card',
  } as Record<string, string>,
  /** makes the provider throw, as when it cannot be reached */
  unavailable: 'tok_unavailable',
} as const;

export class PaymentProviderUnavailableError extends Error {
  constructor() {
    super('The payment provider is unavailable.');
  }
}

/** What the provider holds for an authorization. */
export interface TestAuthorization {
  id: string;
  amountMinor: number;
  currency: string;
  captured: number;
  refunded: number;
  status: 'authorized' | 'captured' | 'voided';
}

export interface TestPaymentProvider extends PaymentProvider {
  /** what the provider holds for an authorization, for tests and operators to look at */
  authorization(id: string): Promise<TestAuthorization | undefined>;
}

/**
 * The payment provider for development and tests: the one fake of the service, as it stands in
 * for the world outside. Tokens decide the outcome (see TEST_TOKENS). Its records are kept in
 * tables of its own (`test_payment_*`) so that they survive a restart; each call runs in a
 * transaction of its own, like a request to a real provider, so it must never be called from
 * inside a transaction of the same database (PGlite has a single connection).
 */
export function createTestPaymentProvider({ db }: { db: Database }): TestPaymentProvider {
  // the first answer to a key is stored with the call's effect, so a retry gets it again
  const once = <T>(key: string, run: (tx: Database) => Promise<T>): Promise<T> =>
    transaction(db, async (tx) => {
      const claimed = await tx
        .insert(testPaymentAnswers)
        .values({ key, answer: null })
        .onConflictDoNothing()
        .returning({ key: testPaymentAnswers.key });
      if (claimed.length === 0) {
        const [stored] = await tx
          .select()
          .from(testPaymentAnswers)
          .where(eq(testPaymentAnswers.key, key));
        return stored?.answer as T;
      }
      const answer = await run(tx);
      await tx
        .update(testPaymentAnswers)
        .set({ answer: answer ?? null })
        .where(eq(testPaymentAnswers.key, key));
      return answer;
    });

  const lockAuthorization = async (tx: Database, id: string) =>
    (
      await tx
        .select()
        .from(testPaymentAuthorizations)
        .where(eq(testPaymentAuthorizations.id, id))
        .for('update')
    )[0];

  return {
    name: 'test',

    authorize: ({ token, amountMinor, currency, idempotencyKey }) => {
      if (token === TEST_TOKENS.unavailable) {
        return Promise.reject(new PaymentProviderUnavailableError());
      }
      return once(`authorize:${idempotencyKey}`, async (tx): Promise<AuthorizeResult> => {
        if (!(TEST_TOKENS.approve as readonly string[]).includes(token)) {
          return { status: 'declined', reason: TEST_TOKENS.decline[token] ?? 'invalid_token' };
        }
        const id = `auth_${randomUUID()}`;
        await tx
          .insert(testPaymentAuthorizations)
          .values({ id, amount: amountMinor, currency, captured: 0, status: 'authorized' });
        return { status: 'authorized', authorizationId: id };
      });
    },

    capture: ({ authorizationId, amountMinor, idempotencyKey }) =>
      once(`capture:${idempotencyKey}`, async (tx): Promise<CaptureResult> => {
        const authorization = await lockAuthorization(tx, authorizationId);
        if (!authorization || authorization.status === 'voided') {
          return { status: 'failed', reason: 'authorization_not_found' };
        }
        if (amountMinor < 0 || authorization.captured + amountMinor > authorization.amount) {
          return { status: 'failed', reason: 'amount_exceeds_authorization' };
        }
        await tx
          .update(testPaymentAuthorizations)
          .set({ captured: authorization.captured + amountMinor, status: 'captured' })
          .where(eq(testPaymentAuthorizations.id, authorizationId));
        const captureId = `cap_${randomUUID()}`;
        await tx
          .insert(testPaymentCaptures)
          .values({ id: captureId, authorizationId, amount: amountMinor, refunded: 0 });
        return { status: 'captured', captureId };
      }),

    async authorizationFor({ idempotencyKey }) {
      const [stored] = await db
        .select()
        .from(testPaymentAnswers)
        .where(eq(testPaymentAnswers.key, `authorize:${idempotencyKey}`));
      const answer = stored?.answer as AuthorizeResult | null | undefined;
      return answer?.status === 'authorized' ? answer.authorizationId : null;
    },

    void: async ({ authorizationId, idempotencyKey }) => {
      await once(`void:${idempotencyKey}`, async (tx) => {
        const authorization = await lockAuthorization(tx, authorizationId);
        if (authorization?.status !== 'authorized') return null;
        await tx
          .update(testPaymentAuthorizations)
          .set({ status: 'voided' })
          .where(eq(testPaymentAuthorizations.id, authorizationId));
        return null;
      });
    },

    refund: ({ captureId, amountMinor, idempotencyKey }) =>
      once(`refund:${idempotencyKey}`, async (tx): Promise<RefundResult> => {
        const [capture] = await tx
          .select()
          .from(testPaymentCaptures)
          .where(eq(testPaymentCaptures.id, captureId))
          .for('update');
        if (!capture) return { status: 'failed', reason: 'capture_not_found' };
        if (amountMinor <= 0 || capture.refunded + amountMinor > capture.amount) {
          return { status: 'failed', reason: 'amount_exceeds_capture' };
        }
        await tx
          .update(testPaymentCaptures)
          .set({ refunded: capture.refunded + amountMinor })
          .where(eq(testPaymentCaptures.id, captureId));
        return { status: 'refunded', refundId: `ref_${randomUUID()}` };
      }),

    async authorization(id) {
      const [row] = await db
        .select()
        .from(testPaymentAuthorizations)
        .where(eq(testPaymentAuthorizations.id, id));
      if (!row) return undefined;
      const captures = await db
        .select()
        .from(testPaymentCaptures)
        .where(eq(testPaymentCaptures.authorizationId, id));
      return {
        id: row.id,
        amountMinor: row.amount,
        currency: row.currency,
        captured: row.captured,
        refunded: captures.reduce((sum, capture) => sum + capture.refunded, 0),
        status: row.status as TestAuthorization['status'],
      };
    },
  };
}
