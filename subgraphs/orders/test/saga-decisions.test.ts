import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { recoveryActions, undoActions } from '../src/placing/order-saga.js';

const kinds = (actions: { kind: string }[]) => actions.map(({ kind }) => kind);

describe('undoing placeOrder steps', () => {
  it('undoes every step that acts elsewhere, the last one first', () => {
    assert.deepEqual(
      undoActions(['QUOTED', 'PROMO_REDEEMED', 'STOCK_RESERVED', 'PAYMENT_AUTHORIZED'], 'auth_1'),
      [
        { kind: 'voidAuthorization', authorizationId: 'auth_1' },
        { kind: 'releaseReservation' },
        { kind: 'releasePromoCode' },
      ],
    );
  });

  it('undoes nothing for a quote alone, and no promo code that was not redeemed', () => {
    assert.deepEqual(undoActions([], null), []);
    assert.deepEqual(undoActions(['QUOTED'], null), []);
    assert.deepEqual(kinds(undoActions(['QUOTED', 'STOCK_RESERVED'], null)), [
      'releaseReservation',
    ]);
  });

  it('voids an authorization whose answer never came, by the key it was asked with', () => {
    assert.deepEqual(undoActions(['QUOTED', 'STOCK_RESERVED', 'PAYMENT_AUTHORIZED'], null)[0], {
      kind: 'voidAuthorization',
      authorizationId: null,
    });
  });
});

describe('recovering an abandoned placeOrder attempt', () => {
  it('records a pending attempt as interrupted before undoing what it began', () => {
    assert.deepEqual(
      kinds(
        recoveryActions({
          status: 'PENDING',
          result: null,
          steps: ['QUOTED', 'PROMO_REDEEMED', 'STOCK_RESERVED'],
          authorizationId: null,
        }),
      ),
      ['recordInterrupted', 'releaseReservation', 'releasePromoCode', 'settle'],
    );
  });

  it('records a pending attempt that began nothing as interrupted too', () => {
    assert.deepEqual(
      kinds(recoveryActions({ status: 'PENDING', result: null, steps: [], authorizationId: null })),
      ['recordInterrupted', 'settle'],
    );
  });

  it('undoes the steps of a failure again, since its process may have died while undoing', () => {
    assert.deepEqual(
      kinds(
        recoveryActions({
          status: 'COMPLETED',
          result: 'PaymentDeclinedError',
          steps: ['QUOTED', 'STOCK_RESERVED', 'PAYMENT_AUTHORIZED'],
          authorizationId: null,
        }),
      ),
      ['voidAuthorization', 'releaseReservation', 'settle'],
    );
  });

  it('confirms the reservation of a placed order, and never undoes it', () => {
    const placed = {
      status: 'COMPLETED' as const,
      result: 'PlaceOrderSuccess',
      steps: ['QUOTED', 'STOCK_RESERVED', 'PAYMENT_AUTHORIZED', 'COMMITTED'] as const,
      authorizationId: 'auth_1',
    };
    assert.deepEqual(kinds(recoveryActions({ ...placed, steps: [...placed.steps] })), [
      'confirmReservation',
      'settle',
    ]);
    assert.deepEqual(kinds(recoveryActions({ ...placed, steps: [...placed.steps, 'CONFIRMED'] })), [
      'settle',
    ]);
  });
});
