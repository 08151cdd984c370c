import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createTestPaymentProvider,
  PaymentProviderUnavailableError,
} from '../src/payments/test-provider.js';

const request = (token: string, idempotencyKey = token) => ({
  token,
  amountMinor: 5990,
  currency: 'USD',
  idempotencyKey,
});

describe('test payment provider', () => {
  it('approves tok_visa and tok_mastercard, holding the amount', async () => {
    const provider = createTestPaymentProvider();
    for (const token of ['tok_visa', 'tok_mastercard']) {
      const result = await provider.authorize(request(token));
      assert.equal(result.status, 'authorized');
      const id = result.status === 'authorized' ? result.authorizationId : '';
      assert.match(id, /^auth_/);
      assert.deepEqual(provider.authorization(id), {
        id,
        amountMinor: 5990,
        currency: 'USD',
        captured: 0,
        refunded: 0,
        status: 'authorized',
      });
    }
  });

  it('declines the decline tokens with their reasons, and unknown tokens as invalid', async () => {
    const provider = createTestPaymentProvider();
    const cases = {
      tok_declined: 'card_declined',
      tok_insufficient_funds: 'insufficient_funds',
      tok_expired: 'expired_card',
      tok_whatever: 'invalid_token',
    };
    for (const [token, reason] of Object.entries(cases)) {
      assert.deepEqual(await provider.authorize(request(token)), { status: 'declined', reason });
    }
  });

  it('throws for tok_unavailable, as an unreachable provider does', async () => {
    const provider = createTestPaymentProvider();
    await assert.rejects(
      provider.authorize(request('tok_unavailable')),
      PaymentProviderUnavailableError,
    );
  });

  it('returns the first answer again for a repeated idempotency key', async () => {
    const provider = createTestPaymentProvider();
    const first = await provider.authorize(request('tok_visa', 'order-1'));
    const again = await provider.authorize(request('tok_visa', 'order-1'));
    const other = await provider.authorize(request('tok_visa', 'order-2'));
    assert.deepEqual(again, first);
    assert.notDeepEqual(other, first);
  });

  it('voids an authorization, once, and refuses to capture it afterwards', async () => {
    const provider = createTestPaymentProvider();
    const result = await provider.authorize(request('tok_visa'));
    assert.equal(result.status, 'authorized');
    const authorizationId = result.status === 'authorized' ? result.authorizationId : '';
    await provider.void({ authorizationId, idempotencyKey: 'void-1' });
    await provider.void({ authorizationId, idempotencyKey: 'void-2' });
    assert.equal(provider.authorization(authorizationId)?.status, 'voided');
    assert.deepEqual(
      await provider.capture({ authorizationId, amountMinor: 100, idempotencyKey: 'cap-1' }),
      { status: 'failed', reason: 'authorization_not_found' },
    );
  });

  it('captures up to the authorized amount and refunds up to the captured amount', async () => {
    const provider = createTestPaymentProvider();
    const result = await provider.authorize(request('tok_visa'));
    const authorizationId = result.status === 'authorized' ? result.authorizationId : '';
    const capture = await provider.capture({
      authorizationId,
      amountMinor: 4000,
      idempotencyKey: 'cap-1',
    });
    assert.equal(capture.status, 'captured');
    assert.deepEqual(
      await provider.capture({ authorizationId, amountMinor: 2000, idempotencyKey: 'cap-2' }),
      { status: 'failed', reason: 'amount_exceeds_authorization' },
    );
    const captureId = capture.status === 'captured' ? capture.captureId : '';
    const refund = await provider.refund({ captureId, amountMinor: 4000, idempotencyKey: 'r-1' });
    assert.equal(refund.status, 'refunded');
    assert.deepEqual(await provider.refund({ captureId, amountMinor: 1, idempotencyKey: 'r-2' }), {
      status: 'failed',
      reason: 'amount_exceeds_capture',
    });
    assert.equal(provider.authorization(authorizationId)?.refunded, 4000);
  });
});
