import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ADA,
  availableOf,
  GRACE,
  KATHERINE,
  MUG,
  placeOrder,
  receiveStock,
  TEE,
} from './support/fixtures.js';
import { startStack, type Stack } from './support/stack.js';
import { racesNeedPostgres } from '@ordergraph/shared/testing';

let stack: Stack;
before(async () => {
  stack = await startStack();
  await receiveStock(stack, { sku: TEE, quantity: 20 });
});
after(() => stack.stop());

/** the customer's order count, read through the router */
async function orderCount(customerId: string): Promise<number> {
  const response = await stack.request({
    token: await stack.token(customerId, ['customer']),
    query: '{ me { orders(first: 100) { nodes { id } } } }',
  });
  return response.data?.me.orders.nodes.length;
}

describe('placeOrder through the router', () => {
  it('confirms an order with its payment authorized and its stock reserved', async () => {
    const result = await placeOrder(stack, { customerId: ADA, lines: [{ sku: TEE, quantity: 2 }] });
    assert.equal(result.__typename, 'PlaceOrderSuccess');
    assert.match(result.order.number, /^OG-\d{6}$/);
    assert.deepEqual(
      { status: result.order.status, paymentStatus: result.order.paymentStatus },
      { status: 'CONFIRMED', paymentStatus: 'AUTHORIZED' },
    );
    assert.deepEqual(await availableOf(stack, TEE), { available: 18, reserved: 2 });
  });

  const failures: [string, Parameters<typeof placeOrder>[1], Record<string, unknown>][] = [
    [
      'an unknown SKU',
      {
        customerId: GRACE,
        lines: [
          { sku: TEE, quantity: 1 },
          { sku: 'NO-SUCH-SKU', quantity: 1 },
        ],
      },
      { __typename: 'UnknownSkuError', sku: 'NO-SUCH-SKU' },
    ],
    [
      'insufficient stock',
      {
        customerId: GRACE,
        lines: [
          { sku: TEE, quantity: 1 },
          { sku: MUG, quantity: 1 },
        ],
      },
      { __typename: 'InsufficientStockError', sku: MUG, requested: 1, available: 0 },
    ],
    [
      'a declined payment',
      { customerId: GRACE, lines: [{ sku: TEE, quantity: 1 }], token: 'tok_declined' },
      { __typename: 'PaymentDeclinedError', reason: 'card_declined' },
    ],
    [
      'invalid input',
      { customerId: GRACE, lines: [{ sku: TEE, quantity: 0 }] },
      { __typename: 'InvalidInputError', field: 'lines.0.quantity' },
    ],
    [
      'an invalid promo code',
      { customerId: GRACE, lines: [{ sku: TEE, quantity: 1 }], promoCode: 'NOPE' },
      { __typename: 'InvalidPromoCodeError', code: 'NOPE' },
    ],
  ];

  for (const [name, input, expected] of failures) {
    it(`returns ${String(expected['__typename'])} for ${name}, leaving stock and orders unchanged`, async () => {
      const stock = await availableOf(stack, TEE);
      const orders = await orderCount(GRACE);
      const result = await placeOrder(stack, input);
      const { message, ...rest } = result;
      assert.ok(typeof message === 'string' && message.length > 0);
      assert.deepEqual(rest, expected);
      assert.deepEqual(await availableOf(stack, TEE), stock);
      assert.equal(await orderCount(GRACE), orders);
    });
  }

  it('returns the same order for a repeated key and reserves nothing twice', async () => {
    const stock = await availableOf(stack, TEE);
    const input = {
      customerId: KATHERINE,
      lines: [{ sku: TEE, quantity: 1 }],
      idempotencyKey: 'router-replay',
    };
    const first = await placeOrder(stack, input);
    const again = await placeOrder(stack, input);
    assert.deepEqual(again, first);
    assert.deepEqual(await availableOf(stack, TEE), {
      available: stock.available - 1,
      reserved: stock.reserved + 1,
    });
  });

  it('creates one order when identical requests race', { skip: racesNeedPostgres }, async () => {
    const stock = await availableOf(stack, TEE);
    const input = {
      customerId: KATHERINE,
      lines: [{ sku: TEE, quantity: 1 }],
      idempotencyKey: 'router-race',
    };
    const results = await Promise.all(Array.from({ length: 10 }, () => placeOrder(stack, input)));
    assert.equal(new Set(results.map((result) => result.order?.id)).size, 1);
    assert.equal(results[0]?.__typename, 'PlaceOrderSuccess');
    assert.deepEqual(await availableOf(stack, TEE), {
      available: stock.available - 1,
      reserved: stock.reserved + 1,
    });
  });
});

describe('no oversell, whatever the concurrency', () => {
  it(
    'reserves exactly 10 units when 50 orders race for a SKU with 10',
    { skip: racesNeedPostgres },
    async () => {
      await receiveStock(stack, { sku: MUG, quantity: 10 });
      const customers = [ADA, GRACE, KATHERINE];
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          placeOrder(stack, { customerId: customers[i % 3]!, lines: [{ sku: MUG, quantity: 1 }] }),
        ),
      );
      const outcomes = results.map((result) => result.__typename);
      assert.equal(outcomes.filter((t) => t === 'PlaceOrderSuccess').length, 10);
      assert.equal(outcomes.filter((t) => t === 'InsufficientStockError').length, 40);
      assert.deepEqual(await availableOf(stack, MUG), { available: 0, reserved: 10 });
    },
  );
});
