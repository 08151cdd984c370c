import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { viewers } from '@ordergraph/shared/testing';
import {
  canSeeOrder,
  paymentDeclined,
  validatePlaceOrder,
} from '../src/placing/place-order-inputs.js';
import {
  allocateLines,
  byWarehouse,
  InconsistentQuoteError,
  priceFromQuote,
  type Quote,
} from '../src/placing/pricing.js';
import { describeEvent } from '../src/lifecycle/timeline.js';
import { ADA, GRACE } from './support.js';

const input = {
  idempotencyKey: 'order-1',
  lines: [
    { sku: ' tee-1 ', quantity: 2 },
    { sku: 'MUG-1', quantity: 1 },
  ],
  shippingAddress: {
    name: ' Ada Lovelace ',
    line1: '12 St James Square',
    line2: '  ',
    city: 'London',
    postalCode: 'SW1Y 4JH',
    country: 'gb',
  },
  payment: { token: 'tok_visa' },
  promoCode: ' ',
};

describe('validatePlaceOrder', () => {
  it('normalises a valid input: trimmed, SKUs and country upper-cased, blanks to null', () => {
    assert.deepEqual(validatePlaceOrder(input, ADA), {
      customerId: ADA,
      lines: [
        { sku: 'TEE-1', quantity: 2 },
        { sku: 'MUG-1', quantity: 1 },
      ],
      shippingAddress: {
        name: 'Ada Lovelace',
        line1: '12 St James Square',
        line2: null,
        city: 'London',
        region: null,
        postalCode: 'SW1Y 4JH',
        country: 'GB',
      },
      token: 'tok_visa',
      promoCode: null,
    });
  });

  it('names the offending field with its path', () => {
    const line = (sku: string, quantity: number) => ({ sku, quantity });
    const cases: [Partial<typeof input>, string | null, string][] = [
      [{ idempotencyKey: '' }, ADA, 'idempotencyKey'],
      [{}, 'not-a-uuid', 'customerId'],
      [{ lines: [] }, ADA, 'lines'],
      [{ lines: Array.from({ length: 51 }, (_, i) => line(`S-${i}`, 1)) }, ADA, 'lines'],
      [{ lines: [line('A', 1), line('B', 1), line('C', 0)] }, ADA, 'lines.2.quantity'],
      [{ lines: [line('A', 1001)] }, ADA, 'lines.0.quantity'],
      [{ lines: [line('A', 1.5)] }, ADA, 'lines.0.quantity'],
      [{ lines: [line('A', 1), line(' ', 1)] }, ADA, 'lines.1.sku'],
      [{ lines: [line('A', 1), line('a ', 2)] }, ADA, 'lines.1.sku'],
      [{ lines: [line('A'.repeat(65), 1)] }, ADA, 'lines.0.sku'],
      [{ shippingAddress: { ...input.shippingAddress, name: '' } }, ADA, 'shippingAddress.name'],
      [
        { shippingAddress: { ...input.shippingAddress, city: 'x'.repeat(101) } },
        ADA,
        'shippingAddress.city',
      ],
      [
        { shippingAddress: { ...input.shippingAddress, postalCode: ' ' } },
        ADA,
        'shippingAddress.postalCode',
      ],
      [
        { shippingAddress: { ...input.shippingAddress, country: 'GBR' } },
        ADA,
        'shippingAddress.country',
      ],
      [{ payment: { token: '' } }, ADA, 'payment.token'],
      [{ promoCode: 'X'.repeat(51) }, ADA, 'promoCode'],
    ];
    for (const [change, customerId, field] of cases) {
      const result = validatePlaceOrder({ ...input, ...change }, customerId!);
      assert.equal('__typename' in result && result.field, field, field);
    }
  });

  it('reports the quantity problem in words', () => {
    const result = validatePlaceOrder({ ...input, lines: [{ sku: 'A', quantity: 0 }] }, ADA);
    assert.deepEqual(result, {
      __typename: 'InvalidInputError',
      message: 'quantity must be between 1 and 1000.',
      field: 'lines.0.quantity',
    });
  });
});

describe('order access', () => {
  it('lets the owner, staff, services and the warehouse see an order, nobody else', () => {
    const order = { customerId: ADA };
    assert.equal(canSeeOrder(viewers.customer(ADA), order), true);
    assert.equal(canSeeOrder(viewers.staff(), order), true);
    assert.equal(canSeeOrder(viewers.service(), order), true);
    assert.equal(canSeeOrder(viewers.warehouse(), order), true);
    assert.equal(canSeeOrder(viewers.customer(GRACE), order), false);
    assert.equal(canSeeOrder(viewers.carrier('UPS'), order), false);
    assert.equal(canSeeOrder(viewers.anonymous(), order), false);
  });
});

const usd = (amount: string) => ({ amount, currencyCode: 'USD' });
const quote: Quote = {
  lines: [
    { sku: 'MUG-1', quantity: 1, unitPrice: usd('12.00'), total: usd('12.00') },
    { sku: 'TEE-1', quantity: 2, unitPrice: usd('25.00'), total: usd('50.00') },
  ],
  subtotal: usd('62.00'),
  discountTotal: usd('6.20'),
  shippingTotal: usd('0.00'),
  taxTotal: usd('4.05'),
  total: usd('59.85'),
  promoCode: 'SAVE10',
};
const requested = [
  { sku: 'TEE-1', quantity: 2 },
  { sku: 'MUG-1', quantity: 1 },
];

describe('priceFromQuote', () => {
  it('turns the quote into minor units, lines in the order requested', () => {
    assert.deepEqual(priceFromQuote(quote, requested), {
      currency: 'USD',
      lines: [
        { sku: 'TEE-1', quantity: 2, unitPrice: 2500, total: 5000 },
        { sku: 'MUG-1', quantity: 1, unitPrice: 1200, total: 1200 },
      ],
      subtotal: 6200,
      discountTotal: 620,
      shippingTotal: 0,
      taxTotal: 405,
      total: 5985,
      promoCode: 'SAVE10',
    });
  });

  it('refuses a quote that does not add up or does not match the order', () => {
    const broken: Quote[] = [
      { ...quote, total: usd('59.86') },
      { ...quote, subtotal: usd('62.01') },
      { ...quote, taxTotal: { amount: '4.05', currencyCode: 'EUR' } },
      { ...quote, lines: quote.lines.slice(1) },
      { ...quote, lines: [quote.lines[0]!, { ...quote.lines[1]!, quantity: 3 }] },
      { ...quote, lines: [quote.lines[0]!, { ...quote.lines[1]!, total: usd('50.01') }] },
      { ...quote, discountTotal: usd('-6.20') },
    ];
    for (const candidate of broken) {
      assert.throws(() => priceFromQuote(candidate, requested), InconsistentQuoteError);
    }
  });
});

describe('allocation', () => {
  const lines = [
    { id: 'line-1', sku: 'TEE-1', quantity: 3 },
    { id: 'line-2', sku: 'MUG-1', quantity: 1 },
  ];

  it('ties allocations to lines and groups them per warehouse', () => {
    const allocated = allocateLines(lines, [
      { sku: 'TEE-1', warehouseId: 'east', quantity: 2 },
      { sku: 'MUG-1', warehouseId: 'west', quantity: 1 },
      { sku: 'TEE-1', warehouseId: 'west', quantity: 1 },
    ]);
    assert.deepEqual(byWarehouse(allocated), [
      { warehouseId: 'east', lines: [{ orderLineId: 'line-1', sku: 'TEE-1', quantity: 2 }] },
      {
        warehouseId: 'west',
        lines: [
          { orderLineId: 'line-2', sku: 'MUG-1', quantity: 1 },
          { orderLineId: 'line-1', sku: 'TEE-1', quantity: 1 },
        ],
      },
    ]);
  });

  it('refuses allocations that miss units or name another SKU', () => {
    assert.throws(() => allocateLines(lines, [{ sku: 'TEE-1', warehouseId: 'east', quantity: 3 }]));
    assert.throws(() =>
      allocateLines(lines, [
        { sku: 'TEE-1', warehouseId: 'east', quantity: 3 },
        { sku: 'MUG-1', warehouseId: 'east', quantity: 1 },
        { sku: 'CAP-1', warehouseId: 'east', quantity: 1 },
      ]),
    );
  });
});

describe('timeline messages', () => {
  it('describes each event as a sentence', () => {
    // payloads as the orders contract has them
    const order = { orderId: 'o-1', customerId: 'c-1' };
    const capture = { ...order, shipmentId: 's-1', captureId: null };
    const placed = {
      ...order,
      number: 'OG-100001',
      lines: [],
      allocations: [],
      promoCode: null,
      currency: 'USD',
      subtotal: 5990,
      discountTotal: 0,
      shippingTotal: 0,
      taxTotal: 0,
      total: 5990,
    };
    const authorized = {
      orderId: 'o-1',
      paymentId: 'p-1',
      provider: 'test',
      authorizationId: 'a-1',
    };
    const cancelled = { ...order, number: 'OG-100001', cancelledBy: 'customer' };
    const cases: [string, Record<string, unknown>, string][] = [
      ['order.placed', placed, 'Order OG-100001 placed'],
      [
        'payment.authorized',
        { ...authorized, amount: 5990, currency: 'USD' },
        'Payment of 59.90 USD authorized',
      ],
      [
        'payment.captured',
        { ...capture, amount: 1000, currency: 'JPY' },
        'Payment of 1000 JPY captured',
      ],
      [
        'refund.issued',
        { ...order, returnId: 'r-1', amount: 250, currency: 'EUR' },
        'Refund of 2.50 EUR issued',
      ],
      [
        'payment.voided',
        { ...order, amount: 5990, currency: 'USD' },
        'Payment authorization released',
      ],
      [
        'order.cancelled',
        { ...cancelled, reason: 'changed my mind' },
        'Order cancelled: changed my mind',
      ],
      ['order.cancelled', { ...cancelled, reason: null }, 'Order cancelled'],
      [
        'order.status_changed',
        { ...order, number: 'OG-100001', from: 'CONFIRMED', to: 'PARTIALLY_SHIPPED' },
        'Order is now partially shipped',
      ],
      [
        'payment.capture_failed',
        { ...capture, amount: 990, currency: 'USD', reason: 'declined' },
        'Payment of 9.90 USD could not be captured',
      ],
      ['shipment.label_printed', {}, 'Shipment label printed'],
      // off the contract: worded by its type alone
      ['order.placed', { number: 'OG-100001' }, 'Order placed'],
    ];
    for (const [type, payload, message] of cases) {
      assert.equal(describeEvent({ type, payload }), message);
    }
  });

  it('words declined payments by reason', () => {
    assert.deepEqual(paymentDeclined('insufficient_funds'), {
      __typename: 'PaymentDeclinedError',
      message: 'The card has insufficient funds.',
      reason: 'insufficient_funds',
    });
    assert.equal(paymentDeclined('do_not_honor').message, 'The payment was declined.');
  });
});
