import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { subgraphRequest, viewers } from '@ordergraph/shared/testing';
import { GRACE } from './support.js';
import { EAST, MUG, newKey, startTestbed, TEE, type Testbed } from './testbed.js';

let testbed: Testbed;
before(async () => {
  testbed = await startTestbed();
  await testbed.receive(TEE, EAST, 5);
});
after(() => testbed.stop());

const grace = viewers.customer(GRACE);

/** asserts that `run` left the orders and the stock of TEE and MUG as they were */
async function changesNothing(run: () => Promise<void>) {
  const before = [await testbed.orderCount(), await testbed.stock(TEE), await testbed.stock(MUG)];
  await run();
  assert.deepEqual(
    [await testbed.orderCount(), await testbed.stock(TEE), await testbed.stock(MUG)],
    before,
  );
}

/** what the catalog's quote answers for a basket of TEE with a promo code */
async function quoteError(promoCode: string, quantity = 1) {
  const response = await subgraphRequest(testbed.catalog.url, {
    query: `query($input: QuoteInput!) { quote(input: $input) {
      ... on InvalidPromoCodeError { __typename message code rejection } } }`,
    variables: { input: { lines: [{ sku: TEE, quantity }], promoCode, shippingCountry: 'US' } },
  });
  return response.data?.quote;
}

describe('placeOrder failures', () => {
  it('returns UnknownSkuError for a SKU the catalog does not sell', async () => {
    await changesNothing(async () => {
      const unknown = await testbed.place(
        {
          lines: [
            { sku: TEE, quantity: 1 },
            { sku: 'NOPE-1', quantity: 1 },
          ],
        },
        grace,
      );
      assert.deepEqual(unknown.data?.placeOrder, {
        __typename: 'UnknownSkuError',
        message: 'No product variant has the SKU NOPE-1.',
        sku: 'NOPE-1',
      });
      const discontinued = await testbed.place(
        { lines: [{ sku: 'CAP-BASEBALL-KHK', quantity: 1 }] },
        grace,
      );
      assert.deepEqual(discontinued.data?.placeOrder, {
        __typename: 'UnknownSkuError',
        message: 'The variant CAP-BASEBALL-KHK is no longer sold.',
        sku: 'CAP-BASEBALL-KHK',
      });
    });
  });

  it('returns InsufficientStockError and gives the promo code back', async () => {
    await changesNothing(async () => {
      const response = await testbed.place(
        { lines: [{ sku: TEE, quantity: 6 }], promoCode: 'ONCE' },
        grace,
      );
      assert.deepEqual(response.data?.placeOrder, {
        __typename: 'InsufficientStockError',
        message: `Only 5 of ${TEE} available, 6 requested.`,
        sku: TEE,
        requested: 6,
        available: 5,
      });
      const missing = await testbed.place({ lines: [{ sku: MUG, quantity: 1 }] }, grace);
      assert.equal(missing.data?.placeOrder.__typename, 'InsufficientStockError');
    });
    assert.equal(await testbed.promoUsable('ONCE'), true);
  });

  it('returns PaymentDeclinedError with the reason, releasing stock and promo code', async () => {
    const cases = {
      tok_declined: ['card_declined', 'The card was declined.'],
      tok_insufficient_funds: ['insufficient_funds', 'The card has insufficient funds.'],
      tok_expired: ['expired_card', 'The card has expired.'],
      tok_nonsense: ['invalid_token', 'The payment method is not valid.'],
    };
    await changesNothing(async () => {
      for (const [token, [reason, message]] of Object.entries(cases)) {
        const response = await testbed.place(
          { lines: [{ sku: TEE, quantity: 5 }], promoCode: 'ONCE', payment: { token } },
          grace,
        );
        assert.deepEqual(response.data?.placeOrder, {
          __typename: 'PaymentDeclinedError',
          message,
          reason,
        });
      }
    });
    assert.equal(await testbed.promoUsable('ONCE'), true);
  });

  it('returns InvalidInputError naming the field, before anything is reserved', async () => {
    const address = {
      name: 'G',
      line1: '1 Main St',
      city: 'NYC',
      postalCode: '10001',
      country: 'US',
    };
    const cases: [Record<string, unknown>, string][] = [
      [
        {
          lines: [
            { sku: TEE, quantity: 1 },
            { sku: MUG, quantity: 0 },
          ],
        },
        'lines.1.quantity',
      ],
      [{ lines: [] }, 'lines'],
      [{ shippingAddress: { ...address, country: 'USA' } }, 'shippingAddress.country'],
      [{ shippingAddress: { ...address, line1: ' ' } }, 'shippingAddress.line1'],
      [{ payment: { token: '' } }, 'payment.token'],
      [{ idempotencyKey: '' }, 'idempotencyKey'],
      [{ customerId: 'not-a-uuid' }, 'customerId'],
    ];
    await changesNothing(async () => {
      for (const [input, field] of cases) {
        const viewer = input['customerId'] ? viewers.staff() : grace;
        const response = await testbed.place(input, viewer);
        assert.equal(response.data?.placeOrder.__typename, 'InvalidInputError', field);
        assert.equal(response.data?.placeOrder.field, field);
      }
    });
  });

  it('returns the catalog InvalidPromoCodeError for unknown, expired and unmet codes', async () => {
    await changesNothing(async () => {
      for (const promoCode of ['NOPE', 'SUMMER2020', 'FUTURE', 'WELCOME10']) {
        const response = await testbed.place({ promoCode }, grace);
        assert.deepEqual(response.data?.placeOrder, await quoteError(promoCode));
      }
    });
  });

  it('still has the single-use code after the failures, and refuses it once used', async () => {
    const used = await testbed.place({ promoCode: 'ONCE' }, grace);
    assert.equal(used.data?.placeOrder.__typename, 'PlaceOrderSuccess');
    assert.equal(used.data?.placeOrder.order.promoCode, 'ONCE');
    const again = await testbed.place({ promoCode: 'ONCE' }, grace);
    assert.deepEqual(again.data?.placeOrder, await quoteError('ONCE'));
    assert.equal(again.data?.placeOrder.rejection, 'USAGE_LIMIT_REACHED');
  });

  it('returns the first failure again for its key, even once the stock is there', async () => {
    const input = { idempotencyKey: newKey(), lines: [{ sku: MUG, quantity: 2 }] };
    const first = await testbed.place(input, grace);
    assert.equal(first.data?.placeOrder.__typename, 'InsufficientStockError');
    await testbed.receive(MUG, EAST, 2);
    const again = await testbed.place(input, grace);
    assert.deepEqual(again.data, first.data);
    const fresh = await testbed.place({ ...input, idempotencyKey: newKey() }, grace);
    assert.equal(fresh.data?.placeOrder.__typename, 'PlaceOrderSuccess');
  });
});
