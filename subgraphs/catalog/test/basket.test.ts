import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readBasket } from '../src/pricing.js';

describe('readBasket', () => {
  it('merges lines of the same SKU into the first, case-insensitively, keeping its place', () => {
    const result = readBasket({
      lines: [
        { sku: ' tee ', quantity: 1 },
        { sku: 'MUG', quantity: 2 },
        { sku: 'Tee', quantity: 3 },
      ],
      promoCode: '  welcome10 ',
      shippingCountry: ' us',
    });
    assert.deepEqual(result, {
      lines: [
        { sku: 'TEE', quantity: 4, index: 0 },
        { sku: 'MUG', quantity: 2, index: 1 },
      ],
      promoCode: 'welcome10',
      shippingCountry: 'US',
    });
  });

  it('treats a blank promo code and country as none', () => {
    const result = readBasket({
      lines: [{ sku: 'TEE', quantity: 1 }],
      promoCode: ' ',
      shippingCountry: '',
    });
    assert.deepEqual(result, {
      lines: [{ sku: 'TEE', quantity: 1, index: 0 }],
      promoCode: null,
      shippingCountry: null,
    });
  });

  it('names the offending field of a bad basket', () => {
    const line = { sku: 'TEE', quantity: 1 };
    const cases: [Parameters<typeof readBasket>[0], string, string][] = [
      [{ lines: [] }, 'lines', 'A basket has 1 to 100 lines.'],
      [
        { lines: Array.from({ length: 101 }, (_, i) => ({ sku: `S${i}`, quantity: 1 })) },
        'lines',
        'A basket has 1 to 100 lines.',
      ],
      [
        { lines: [line, { sku: 'MUG', quantity: 0 }] },
        'lines.1.quantity',
        'quantity must be 1 to 1000.',
      ],
      [
        { lines: [{ sku: 'MUG', quantity: 1001 }] },
        'lines.0.quantity',
        'quantity must be 1 to 1000.',
      ],
      [
        { lines: [line, { sku: '  ', quantity: 1 }] },
        'lines.1.sku',
        'sku must be 1 to 64 characters.',
      ],
      [
        {
          lines: [
            { sku: 'MUG', quantity: 1 },
            { sku: 'TEE', quantity: 600 },
            { sku: 'tee', quantity: 401 },
          ],
        },
        'lines.1.quantity',
        'The lines for TEE add up to more than 1000.',
      ],
      [
        { lines: [line], shippingCountry: 'USA' },
        'shippingCountry',
        'shippingCountry must be an ISO 3166-1 alpha-2 code, e.g. "US".',
      ],
    ];
    for (const [input, field, message] of cases) {
      assert.deepEqual(
        readBasket(input),
        { __typename: 'InvalidInputError', message, field },
        field,
      );
    }
  });
});
