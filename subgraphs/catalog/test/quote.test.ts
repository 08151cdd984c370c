import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { viewers, type TestSubgraph } from '@ordergraph/shared/testing';
import { createCatalogRepository } from '../src/catalog.repository.js';
import { createPricingRepository } from '../src/pricing.repository.js';
import { startCatalog, usd, type Request } from './support.js';

let subgraph: TestSubgraph;
let request: Request;

before(async () => {
  ({ subgraph, request } = await startCatalog());
  const pricing = createPricingRepository({ db: subgraph.handle.db });
  await pricing.insertPromotion({ code: 'ODDPCT', kind: 'PERCENTAGE', basisPoints: 1250 });
  await pricing.insertPromotion({
    code: 'BIGFIXED',
    kind: 'FIXED',
    amountOff: 100000,
    currency: 'USD',
  });
  await pricing.insertPromotion({ code: 'EUROFF', kind: 'FIXED', amountOff: 500, currency: 'EUR' });
  await createCatalogRepository({ db: subgraph.handle.db }).insertProduct({
    name: 'Espresso Cup',
    description: null,
    category: 'home',
    variants: [{ sku: 'CUP-ESPRESSO-EU', name: 'White', priceAmount: 1200, currency: 'EUR' }],
  });
});
after(() => subgraph.stop());

const quoteQuery = `query($input: QuoteInput!) { quote(input: $input) {
  __typename
  ... on Quote {
    lines { sku quantity unitPrice { amount currencyCode } total { amount currencyCode } }
    subtotal { amount currencyCode } discountTotal { amount currencyCode }
    shippingTotal { amount currencyCode } taxTotal { amount currencyCode } total { amount currencyCode }
    promoCode shippingCountry }
  ... on UnknownSkuError { message sku }
  ... on InvalidInputError { message field }
  ... on InvalidPromoCodeError { message code rejection } } }`;

type Line = { sku: string; quantity: number };
const quote = async (input: { lines: Line[]; promoCode?: string; shippingCountry?: string }) =>
  (await request(quoteQuery, { variables: { input } })).data?.quote;

/** the totals of a quote, as [subtotal, discount, shipping, tax, total] amounts */
const totals = async (input: Parameters<typeof quote>[0]) => {
  const result = await quote(input);
  assert.equal(result.__typename, 'Quote', JSON.stringify(result));
  return ['subtotal', 'discountTotal', 'shippingTotal', 'taxTotal', 'total'].map(
    (field) => result[field].amount,
  );
};

const TEE = 'TEE-CLASSIC-BLK-M';
const MUG = 'MUG-CERAMIC-WHT';

describe('quote prices', () => {
  it('prices a US basket: lines, free US shipping from $50, 7.25% tax', async () => {
    const result = await quote({
      lines: [
        { sku: TEE, quantity: 2 },
        { sku: MUG, quantity: 1 },
      ],
      shippingCountry: 'US',
    });
    assert.deepEqual(result, {
      __typename: 'Quote',
      lines: [
        { sku: TEE, quantity: 2, unitPrice: usd('19.90'), total: usd('39.80') },
        { sku: MUG, quantity: 1, unitPrice: usd('14.00'), total: usd('14.00') },
      ],
      subtotal: usd('53.80'),
      discountTotal: usd('0.00'),
      shippingTotal: usd('0.00'),
      taxTotal: usd('3.90'),
      total: usd('57.70'),
      promoCode: null,
      shippingCountry: 'US',
    });
  });

  it('merges lines of the same SKU into the first, whatever their case', async () => {
    const result = await quote({
      lines: [
        { sku: 'tee-classic-blk-m', quantity: 1 },
        { sku: MUG, quantity: 1 },
        { sku: TEE, quantity: 2 },
      ],
    });
    assert.deepEqual(
      result.lines.map((line: Line) => [line.sku, line.quantity]),
      [
        [TEE, 3],
        [MUG, 1],
      ],
    );
  });

  it('charges the default $9.90 without a country, and no tax', async () => {
    assert.deepEqual(await totals({ lines: [{ sku: TEE, quantity: 1 }] }), [
      '19.90',
      '0.00',
      '9.90',
      '0.00',
      '29.80',
    ]);
  });

  it('uses the default rate for a country without one, free from $100, with its tax', async () => {
    assert.deepEqual(
      await totals({ lines: [{ sku: 'JACKET-RAIN-YLW-M', quantity: 1 }], shippingCountry: 'gb' }),
      ['149.00', '0.00', '0.00', '29.80', '178.80'],
    );
    assert.deepEqual(await totals({ lines: [{ sku: TEE, quantity: 1 }], shippingCountry: 'JP' }), [
      '19.90',
      '0.00',
      '9.90',
      '0.00',
      '29.80',
    ]);
  });

  it('rounds the tax half up, once per basket', async () => {
    // 79.60 + 9.90 shipping = 89.50, at 19% = 17.005
    assert.deepEqual(await totals({ lines: [{ sku: TEE, quantity: 4 }], shippingCountry: 'DE' }), [
      '79.60',
      '0.00',
      '9.90',
      '17.01',
      '106.51',
    ]);
    // 2 x 22.00 + 14.00 = 58.00, at 7.25% = 4.205
    assert.deepEqual(
      await totals({
        lines: [
          { sku: 'CANDLE-CEDAR', quantity: 2 },
          { sku: MUG, quantity: 1 },
        ],
        shippingCountry: 'US',
      }),
      ['58.00', '0.00', '0.00', '4.21', '62.21'],
    );
  });
});

describe('quote promotions', () => {
  it('applies WELCOME10 from $50, before shipping and tax', async () => {
    const result = await quote({
      lines: [
        { sku: TEE, quantity: 2 },
        { sku: MUG, quantity: 1 },
      ],
      promoCode: ' welcome10 ',
      shippingCountry: 'US',
    });
    assert.deepEqual(
      [result.discountTotal, result.shippingTotal, result.taxTotal, result.total, result.promoCode],
      [usd('5.38'), usd('4.99'), usd('3.87'), usd('57.28'), 'WELCOME10'],
    );
  });

  it('takes a fixed $5.00 off, and never more than the subtotal', async () => {
    assert.deepEqual(await totals({ lines: [{ sku: MUG, quantity: 1 }], promoCode: 'FIVEOFF' }), [
      '14.00',
      '5.00',
      '9.90',
      '0.00',
      '18.90',
    ]);
    assert.deepEqual(await totals({ lines: [{ sku: MUG, quantity: 1 }], promoCode: 'BIGFIXED' }), [
      '14.00',
      '14.00',
      '9.90',
      '0.00',
      '9.90',
    ]);
  });

  it('rounds a percentage discount half up', async () => {
    // 12.5% of 19.90 = 2.4875
    assert.deepEqual(await totals({ lines: [{ sku: TEE, quantity: 1 }], promoCode: 'oddpct' }), [
      '19.90',
      '2.49',
      '9.90',
      '0.00',
      '27.31',
    ]);
  });

  it('refuses each kind of unusable code with its rejection', async () => {
    const lines = [{ sku: TEE, quantity: 2 }];
    const cases = [
      ['nope', 'UNKNOWN', 'No promotion has the code NOPE.'],
      ['Summer2020', 'EXPIRED', 'The promotion SUMMER2020 ended at 2020-09-01T00:00:00.000Z.'],
      ['FUTURE', 'NOT_YET_VALID', 'The promotion FUTURE starts at 2099-01-01T00:00:00.000Z.'],
      [
        'WELCOME10',
        'MINIMUM_NOT_MET',
        'The promotion WELCOME10 needs a subtotal of at least 50.00 USD.',
      ],
      ['EUROFF', 'CURRENCY_MISMATCH', 'The promotion EUROFF applies only to baskets in EUR.'],
    ];
    for (const [code, rejection, message] of cases) {
      assert.deepEqual(await quote({ lines, promoCode: code }), {
        __typename: 'InvalidPromoCodeError',
        message,
        code,
        rejection,
      });
    }
  });
});

describe('quote refusals', () => {
  it('returns UnknownSkuError for an unknown or discontinued SKU', async () => {
    assert.deepEqual(
      await quote({
        lines: [
          { sku: TEE, quantity: 1 },
          { sku: 'NOPE-1', quantity: 1 },
        ],
      }),
      {
        __typename: 'UnknownSkuError',
        message: 'No product variant has the SKU NOPE-1.',
        sku: 'NOPE-1',
      },
    );
    assert.deepEqual(await quote({ lines: [{ sku: 'CAP-BASEBALL-KHK', quantity: 1 }] }), {
      __typename: 'UnknownSkuError',
      message: 'The variant CAP-BASEBALL-KHK is no longer sold.',
      sku: 'CAP-BASEBALL-KHK',
    });
  });

  it('returns InvalidInputError for mixed currencies and bad lines', async () => {
    assert.deepEqual(
      await quote({
        lines: [
          { sku: TEE, quantity: 1 },
          { sku: 'CUP-ESPRESSO-EU', quantity: 1 },
        ],
      }),
      {
        __typename: 'InvalidInputError',
        message: 'All lines must be in one currency: CUP-ESPRESSO-EU is in EUR, the basket in USD.',
        field: 'lines.1.sku',
      },
    );
    const fields: [Parameters<typeof quote>[0], string][] = [
      [{ lines: [] }, 'lines'],
      [
        {
          lines: [
            { sku: TEE, quantity: 1 },
            { sku: MUG, quantity: -1 },
          ],
        },
        'lines.1.quantity',
      ],
      [{ lines: [{ sku: TEE, quantity: 1001 }] }, 'lines.0.quantity'],
      [{ lines: [{ sku: TEE, quantity: 1 }], shippingCountry: 'USA' }, 'shippingCountry'],
    ];
    for (const [input, field] of fields) {
      const result = await quote(input);
      assert.deepEqual([result.__typename, result.field], ['InvalidInputError', field]);
    }
  });

  it('prices a basket in another currency without rates as free shipping', async () => {
    assert.deepEqual(
      await quote({ lines: [{ sku: 'CUP-ESPRESSO-EU', quantity: 1 }], shippingCountry: 'DE' }),
      {
        __typename: 'Quote',
        lines: [
          {
            sku: 'CUP-ESPRESSO-EU',
            quantity: 1,
            unitPrice: { amount: '12.00', currencyCode: 'EUR' },
            total: { amount: '12.00', currencyCode: 'EUR' },
          },
        ],
        subtotal: { amount: '12.00', currencyCode: 'EUR' },
        discountTotal: { amount: '0.00', currencyCode: 'EUR' },
        shippingTotal: { amount: '0.00', currencyCode: 'EUR' },
        taxTotal: { amount: '2.28', currencyCode: 'EUR' },
        total: { amount: '14.28', currencyCode: 'EUR' },
        promoCode: null,
        shippingCountry: 'DE',
      },
    );
  });
});

describe('quote for any caller', () => {
  it('prices for anonymous visitors and services alike, with a bounded number of statements', async () => {
    const lines = Array.from({ length: 30 }, (_, i) => ({ sku: i % 2 ? TEE : MUG, quantity: 1 }));
    const query = `query($input: QuoteInput!) { quote(input: $input) {
      ... on Quote { total { amount } lines { variant { name product { name } } } } } }`;
    const before = subgraph.handle.statements.count;
    const anonymous = await request(query, {
      variables: { input: { lines, promoCode: 'FIVEOFF', shippingCountry: 'US' } },
    });
    assert.equal(subgraph.handle.statements.count - before, 5);
    const service = await request(query, {
      viewer: viewers.service('orders'),
      variables: { input: { lines, promoCode: 'FIVEOFF', shippingCountry: 'US' } },
    });
    assert.deepEqual(service.data, anonymous.data);
    assert.deepEqual(anonymous.data?.quote, {
      // 15 x 14.00 + 15 x 19.90 = 508.50, less 5.00, free shipping, 7.25% of 503.50 = 36.50
      total: { amount: '540.00' },
      lines: [
        { variant: { name: 'White', product: { name: 'Ceramic Mug' } } },
        { variant: { name: 'Black / M', product: { name: 'Classic Tee' } } },
      ],
    });
  });
});
