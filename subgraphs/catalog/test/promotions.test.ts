import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { discountFor } from '../src/pricing.js';
import { windowRejection, type Promotion } from '../src/promotions.js';

const now = new Date('2030-01-15T12:00:00.000Z');

const promotion = (extra: Partial<Promotion>): Promotion => ({
  code: 'PROMO',
  kind: 'PERCENTAGE',
  basisPoints: 1000,
  amountOff: null,
  currency: null,
  minimumSubtotal: null,
  startsAt: null,
  endsAt: null,
  usageLimit: null,
  timesUsed: 0,
  ...extra,
});

describe('promotions', () => {
  const apply = (p: Promotion | null, subtotal = 6000, currency = 'USD') =>
    discountFor({ promotion: p, given: 'promo', subtotal, currency, now });
  const rejection = (result: ReturnType<typeof apply>) =>
    typeof result === 'number' ? result : result.rejection;

  it('gives a percentage of the subtotal, rounded half up', () => {
    assert.equal(apply(promotion({ basisPoints: 1000 }), 5385), 539); // 538.5
    assert.equal(apply(promotion({ basisPoints: 10000 }), 5385), 5385);
  });

  it('never takes more than the subtotal with a fixed amount', () => {
    const fixed = promotion({ kind: 'FIXED', basisPoints: null, amountOff: 500, currency: 'USD' });
    assert.equal(apply(fixed, 6000), 500);
    assert.equal(apply(fixed, 199), 199);
  });

  it('refuses for each reason, checking window, limit, currency, then minimum', () => {
    assert.equal(rejection(apply(null)), 'UNKNOWN');
    assert.equal(
      rejection(apply(promotion({ startsAt: new Date('2030-02-01T00:00:00Z') }))),
      'NOT_YET_VALID',
    );
    assert.equal(rejection(apply(promotion({ endsAt: now }))), 'EXPIRED');
    assert.equal(
      rejection(apply(promotion({ usageLimit: 3, timesUsed: 3, endsAt: new Date('2031-01-01') }))),
      'USAGE_LIMIT_REACHED',
    );
    assert.equal(
      rejection(
        apply(promotion({ currency: 'EUR', minimumSubtotal: 100000, usageLimit: 3, timesUsed: 2 })),
      ),
      'CURRENCY_MISMATCH',
    );
    assert.equal(
      rejection(apply(promotion({ currency: 'USD', minimumSubtotal: 6001 }))),
      'MINIMUM_NOT_MET',
    );
    assert.equal(rejection(apply(promotion({ currency: 'USD', minimumSubtotal: 6000 }))), 600);
  });

  it('describes the refusal and echoes the code as given', () => {
    assert.deepEqual(apply(promotion({ currency: 'USD', minimumSubtotal: 5000 }), 3980), {
      __typename: 'InvalidPromoCodeError',
      message: 'The promotion PROMO needs a subtotal of at least 50.00 USD.',
      code: 'promo',
      rejection: 'MINIMUM_NOT_MET',
    });
    assert.deepEqual(apply(null), {
      __typename: 'InvalidPromoCodeError',
      message: 'No promotion has the code PROMO.',
      code: 'promo',
      rejection: 'UNKNOWN',
    });
  });

  it('is valid from its start, up to but not at its end', () => {
    assert.equal(windowRejection({ startsAt: now, endsAt: null }, now), null);
    assert.equal(
      windowRejection({ startsAt: null, endsAt: new Date(now.getTime() + 1) }, now),
      null,
    );
    assert.equal(windowRejection({ startsAt: null, endsAt: now }, now), 'EXPIRED');
  });
});
