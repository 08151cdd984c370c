import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DatabaseHandle } from '@ordergraph/shared';
import { createTestDatabase } from '@ordergraph/shared/testing';
import {
  createTestPaymentProvider as providerOn,
  PaymentProviderUnavailableError,
} from '../src/payments/test-provider.js';
import { migrationsFolder } from '../src/server.js';

let handle: DatabaseHandle;
before(async () => {
  handle = await createTestDatabase({ name: 'payments', migrationsFolder });
});
after(() => handle.close());

const createTestPaymentProvider = () => providerOn({ db: handle.db });
let keys = 0;

const request = (token: string, idempotencyKey = `${token}-${++keys}`) => ({
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
      assert.deepEqual(await provider.authorization(id), {
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
    assert.equal((await provider.authorization(authorizationId))?.status, 'voided');
    assert.deepEqual(
      await provider.capture({ authorizationId, amountMinor: 100, idempotencyKey: 'cap-voided' }),
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
    assert.equal((await provider.authorization(authorizationId))?.refunded, 4000);
  });

  it('keeps its records in the database: a new instance (a restarted process) knows them', async () => {
    const before = createTestPaymentProvider();
    const result = await before.authorize(request('tok_visa', 'restart-order'));
    const authorizationId = result.status === 'authorized' ? result.authorizationId : '';
    const first = await before.capture({
      authorizationId,
      amountMinor: 2000,
      idempotencyKey: 'restart-shipment-1',
    });

    const restarted = createTestPaymentProvider();
    assert.deepEqual(await restarted.authorize(request('tok_visa', 'restart-order')), result);
    assert.deepEqual(
      await restarted.capture({
        authorizationId,
        amountMinor: 2000,
        idempotencyKey: 'restart-shipment-1',
      }),
      first,
    );
    const second = await restarted.capture({
      authorizationId,
      amountMinor: 3990,
      idempotencyKey: 'restart-shipment-2',
    });
    assert.equal(second.status, 'captured');
    assert.deepEqual(
      await restarted.capture({ authorizationId, amountMinor: 1, idempotencyKey: 'restart-3' }),
      { status: 'failed', reason: 'amount_exceeds_authorization' },
    );
    const captureId = first.status === 'captured' ? first.captureId : '';
    assert.equal(
      (await before.refund({ captureId, amountMinor: 1500, idempotencyKey: 'restart-r1' })).status,
      'refunded',
    );
    assert.deepEqual(
      await restarted.refund({ captureId, amountMinor: 501, idempotencyKey: 'restart-r2' }),
      { status: 'failed', reason: 'amount_exceeds_capture' },
    );
    assert.deepEqual(await restarted.authorization(authorizationId), {
      id: authorizationId,
      amountMinor: 5990,
      currency: 'USD',
      captured: 5990,
      refunded: 1500,
      status: 'captured',
    });
  });

  it('refuses a refund of a capture it does not know', async () => {
    assert.deepEqual(
      await createTestPaymentProvider().refund({
        captureId: 'cap_unknown',
        amountMinor: 100,
        idempotencyKey: 'unknown-capture',
      }),
      { status: 'failed', reason: 'capture_not_found' },
    );
  });
});
