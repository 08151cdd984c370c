import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  applyBasisPoints,
  pickShippingRate,
  priceBasket,
  type Basket,
  type PriceableVariant,
  type ShippingRate,
} from '../src/pricing.js';
import type { Promotion } from '../src/promotions.js';

const now = new Date('2030-01-15T12:00:00.000Z');

const variant = (sku: string, priceAmount: number, extra: Partial<PriceableVariant> = {}) => ({
  sku,
  priceAmount,
  currency: 'USD',
  active: true,
  ...extra,
});
const catalog = new Map(
  [
    variant('TEE', 1990),
    variant('MUG', 1400),
    variant('PEN', 199),
    variant('OLD', 500, { active: false }),
    variant('EURO', 1200, { currency: 'EUR' }),
  ].map((v) => [v.sku, v]),
);

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

const rates: ShippingRate[] = [
  { country: '*', currency: 'USD', amount: 990, freeThreshold: 10000 },
  { country: 'US', currency: 'USD', amount: 499, freeThreshold: 5000 },
  { country: 'CA', currency: 'USD', amount: 1500, freeThreshold: null },
];

const basket = (lines: [string, number][], extra: Partial<Basket> = {}): Basket => ({
  lines: lines.map(([sku, quantity], index) => ({ sku, quantity, index })),
  promoCode: null,
  shippingCountry: null,
  ...extra,
});

const price = (
  b: Basket,
  extra: { promotion?: Promotion | null; taxBasisPoints?: number | null } = {},
) =>
  priceBasket({
    basket: b,
    variants: catalog,
    promotion: extra.promotion ?? null,
    shippingRates: rates,
    taxBasisPoints: extra.taxBasisPoints ?? null,
    now,
  });

describe('applyBasisPoints', () => {
  it('rounds half up to the minor unit', () => {
    assert.equal(applyBasisPoints(200, 725), 15); // 14.5
    assert.equal(applyBasisPoints(199, 725), 14); // 14.4275
    assert.equal(applyBasisPoints(1990, 1250), 249); // 248.75
    assert.equal(applyBasisPoints(5, 1000), 1); // 0.5
    assert.equal(applyBasisPoints(4, 1000), 0); // 0.4
    assert.equal(applyBasisPoints(0, 2000), 0);
    assert.equal(applyBasisPoints(12345, 10000), 12345);
  });

  it('stays exact for amounts whose product with the rate passes 2^53', () => {
    assert.equal(applyBasisPoints(9_000_000_000_001, 9999), 8_999_100_000_001);
  });
});

describe('shipping rates', () => {
  it("takes the country's rate in the basket's currency, else the default, else none", () => {
    assert.equal(pickShippingRate({ rates, country: 'US', currency: 'USD' }), rates[1]);
    assert.equal(pickShippingRate({ rates, country: 'FR', currency: 'USD' }), rates[0]);
    assert.equal(pickShippingRate({ rates, country: null, currency: 'USD' }), rates[0]);
    assert.equal(pickShippingRate({ rates, country: 'US', currency: 'EUR' }), null);
  });
});

describe('priceBasket', () => {
  it('prices lines, default shipping and no tax without a country', () => {
    assert.deepEqual(
      price(
        basket([
          ['TEE', 2],
          ['MUG', 1],
        ]),
      ),
      {
        __typename: 'Quote',
        currency: 'USD',
        lines: [
          { sku: 'TEE', quantity: 2, unitPrice: 1990, total: 3980, currency: 'USD' },
          { sku: 'MUG', quantity: 1, unitPrice: 1400, total: 1400, currency: 'USD' },
        ],
        subtotal: 5380,
        discountTotal: 0,
        shippingTotal: 990,
        taxTotal: 0,
        total: 6370,
        promoCode: null,
        shippingCountry: null,
      },
    );
  });

  it('ships free from the threshold on, measured after the discount', () => {
    const us = { shippingCountry: 'US' };
    assert.equal(
      (
        price(
          basket(
            [
              ['TEE', 2],
              ['MUG', 1],
            ],
            us,
          ),
        ) as { shippingTotal: number }
      ).shippingTotal,
      0,
    );
    const discounted = price(
      basket(
        [
          ['TEE', 2],
          ['MUG', 1],
        ],
        { ...us, promoCode: 'x' },
      ),
      {
        promotion: promotion({ basisPoints: 1000 }),
      },
    );
    assert.equal((discounted as { shippingTotal: number }).shippingTotal, 499);
    const neverFree = price(basket([['TEE', 50]], { shippingCountry: 'CA' }));
    assert.equal((neverFree as { shippingTotal: number }).shippingTotal, 1500);
  });

  it('taxes subtotal less discount plus shipping, once, rounded half up', () => {
    const result = price(
      basket(
        [
          ['TEE', 2],
          ['MUG', 1],
        ],
        { shippingCountry: 'US', promoCode: 'promo' },
      ),
      {
        promotion: promotion({ basisPoints: 1000 }),
        taxBasisPoints: 725,
      },
    );
    assert.deepEqual(result, {
      __typename: 'Quote',
      currency: 'USD',
      lines: [
        { sku: 'TEE', quantity: 2, unitPrice: 1990, total: 3980, currency: 'USD' },
        { sku: 'MUG', quantity: 1, unitPrice: 1400, total: 1400, currency: 'USD' },
      ],
      subtotal: 5380,
      discountTotal: 538,
      shippingTotal: 499,
      taxTotal: 387, // (4842 + 499) * 7.25% = 387.2225
      total: 5728,
      promoCode: 'PROMO',
      shippingCountry: 'US',
    });
  });

  it('refuses unknown and inactive SKUs with the first one in line order', () => {
    assert.deepEqual(
      price(
        basket([
          ['TEE', 1],
          ['NOPE', 1],
          ['OLD', 1],
        ]),
      ),
      {
        __typename: 'UnknownSkuError',
        message: 'No product variant has the SKU NOPE.',
        sku: 'NOPE',
      },
    );
    assert.deepEqual(price(basket([['OLD', 1]])), {
      __typename: 'UnknownSkuError',
      message: 'The variant OLD is no longer sold.',
      sku: 'OLD',
    });
  });

  it('refuses a basket of mixed currencies, naming the first odd line', () => {
    assert.deepEqual(
      price(
        basket([
          ['TEE', 1],
          ['MUG', 1],
          ['EURO', 1],
        ]),
      ),
      {
        __typename: 'InvalidInputError',
        message: 'All lines must be in one currency: EURO is in EUR, the basket in USD.',
        field: 'lines.2.sku',
      },
    );
  });

  it('returns the promo code refusal instead of a quote', () => {
    const result = price(basket([['PEN', 1]], { promoCode: 'Nope' }));
    assert.deepEqual(result, {
      __typename: 'InvalidPromoCodeError',
      message: 'No promotion has the code NOPE.',
      code: 'Nope',
      rejection: 'UNKNOWN',
    });
  });

  it('charges no shipping in a currency without rates', () => {
    const result = price(basket([['EURO', 1]], { shippingCountry: 'DE' }), {
      taxBasisPoints: 1900,
    });
    assert.deepEqual(
      result.__typename === 'Quote' && [
        result.subtotal,
        result.shippingTotal,
        result.taxTotal,
        result.total,
      ],
      [1200, 0, 228, 1428],
    );
  });
});
