import { randomUUID } from 'node:crypto';
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

interface Authorization {
  id: string;
  amountMinor: number;
  currency: string;
  captured: number;
  refunded: number;
  status: 'authorized' | 'captured' | 'voided';
}

export interface TestPaymentProvider extends PaymentProvider {
  /** what the provider holds for an authorization, for tests to look at */
  authorization(id: string): Readonly<Authorization> | undefined;
}

/**
 * An in-memory payment provider for development and tests: the one fake of the service, as it
 * stands in for the world outside. Tokens decide the outcome (see TEST_TOKENS).
 */
export function createTestPaymentProvider(): TestPaymentProvider {
  const authorizations = new Map<string, Authorization>();
  const captures = new Map<string, { authorizationId: string }>();
  // answers by idempotency key, so a retried call gets the first answer
  const answers = new Map<string, unknown>();

  const once = async <T>(key: string, run: () => T): Promise<T> => {
    if (answers.has(key)) return answers.get(key) as T;
    const answer = run();
    answers.set(key, answer);
    return answer;
  };

  return {
    name: 'test',

    authorize: ({ token, amountMinor, currency, idempotencyKey }) => {
      if (token === TEST_TOKENS.unavailable) {
        return Promise.reject(new PaymentProviderUnavailableError());
      }
      return once(`authorize:${idempotencyKey}`, (): AuthorizeResult => {
        if (!(TEST_TOKENS.approve as readonly string[]).includes(token)) {
          return { status: 'declined', reason: TEST_TOKENS.decline[token] ?? 'invalid_token' };
        }
        const id = `auth_${randomUUID()}`;
        authorizations.set(id, {
          id,
          amountMinor,
          currency,
          captured: 0,
          refunded: 0,
          status: 'authorized',
        });
        return { status: 'authorized', authorizationId: id };
      });
    },

    capture: ({ authorizationId, amountMinor, idempotencyKey }) =>
      once(`capture:${idempotencyKey}`, (): CaptureResult => {
        const authorization = authorizations.get(authorizationId);
        if (!authorization || authorization.status === 'voided') {
          return { status: 'failed', reason: 'authorization_not_found' };
        }
        if (authorization.captured + amountMinor > authorization.amountMinor) {
          return { status: 'failed', reason: 'amount_exceeds_authorization' };
        }
        authorization.captured += amountMinor;
        authorization.status = 'captured';
        const captureId = `cap_${randomUUID()}`;
        captures.set(captureId, { authorizationId });
        return { status: 'captured', captureId };
      }),

    void: async ({ authorizationId, idempotencyKey }) => {
      await once(`void:${idempotencyKey}`, () => {
        const authorization = authorizations.get(authorizationId);
        if (authorization?.status === 'authorized') authorization.status = 'voided';
      });
    },

    refund: ({ captureId, amountMinor, idempotencyKey }) =>
      once(`refund:${idempotencyKey}`, (): RefundResult => {
        const authorization = authorizations.get(captures.get(captureId)?.authorizationId ?? '');
        if (!authorization) return { status: 'failed', reason: 'capture_not_found' };
        if (authorization.refunded + amountMinor > authorization.captured) {
          return { status: 'failed', reason: 'amount_exceeds_capture' };
        }
        authorization.refunded += amountMinor;
        return { status: 'refunded', refundId: `ref_${randomUUID()}` };
      }),

    authorization: (id) => authorizations.get(id),
  };
}
