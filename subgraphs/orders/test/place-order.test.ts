import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eq } from 'drizzle-orm';
import { subgraphRequest, viewers } from '@ordergraph/shared/testing';
import { payments } from '../src/db/schema.js';
import { createOrdersRepository } from '../src/orders.repository.js';
import { GRACE } from './support.js';
import { EAST, MUG, newKey, startTestbed, TEE, WEST, type Testbed } from './testbed.js';

let testbed: Testbed;
before(async () => {
  testbed = await startTestbed();
  await testbed.receive(TEE, EAST, 20);
  await testbed.receive(MUG, WEST, 10);
});
after(() => testbed.stop());

const grace = viewers.customer(GRACE);
const usd = (amount: string) => ({ amount, currencyCode: 'USD' });
const basket = [
  { sku: TEE, quantity: 2 },
  { sku: MUG, quantity: 1 },
];

/** the catalog's own quote of a basket shipped to the US */
async function catalogQuote(promoCode?: string) {
  const response = await subgraphRequest(testbed.catalog.url, {
    query: `query($input: QuoteInput!) { quote(input: $input) { ... on Quote {
      subtotal { amount } discountTotal { amount } shippingTotal { amount } taxTotal { amount }
      total { amount } } } }`,
    variables: { input: { lines: basket, promoCode, shippingCountry: 'US' } },
  });
  return response.data?.quote;
}

const totalsOf = (order: Record<string, { amount: string }>) =>
  Object.fromEntries(
    ['subtotal', 'discountTotal', 'shippingTotal', 'taxTotal', 'total'].map((field) => [
      field,
      { amount: order[field]!.amount },
    ]),
  );

describe('placeOrder', () => {
  it('places a confirmed, authorized order priced exactly as the catalog quotes it', async () => {
    const response = await testbed.place({ lines: basket }, grace);
    assert.equal(response.errors, undefined);
    const order = response.data?.placeOrder.order;
    assert.deepEqual(response.data?.placeOrder, {
      __typename: 'PlaceOrderSuccess',
      order: {
        id: order.id,
        number: 'OG-100001',
        status: 'CONFIRMED',
        paymentStatus: 'AUTHORIZED',
        customer: { id: GRACE },
        promoCode: null,
        lines: [
          { variant: { sku: TEE }, quantity: 2, unitPrice: usd('19.90'), total: usd('39.80') },
          { variant: { sku: MUG }, quantity: 1, unitPrice: usd('14.00'), total: usd('14.00') },
        ],
        // US: free shipping from $50.00, 7.25% tax
        subtotal: usd('53.80'),
        discountTotal: usd('0.00'),
        shippingTotal: usd('0.00'),
        taxTotal: usd('3.90'),
        total: usd('57.70'),
        timeline: [
          { type: 'order.placed', message: 'Order OG-100001 placed' },
          { type: 'payment.authorized', message: 'Payment of 57.70 USD authorized' },
        ],
      },
    });
    assert.deepEqual(totalsOf(order), await catalogQuote());
    assert.deepEqual(await testbed.stock(TEE), { available: 18, reserved: 2 });
    assert.deepEqual(await testbed.stock(MUG), { available: 9, reserved: 1 });

    const [payment] = await testbed.orders.handle.db
      .select()
      .from(payments)
      .where(eq(payments.orderId, order.id));
    assert.deepEqual(await testbed.payments.authorization(payment!.authorizationId), {
      id: payment!.authorizationId,
      amountMinor: 5770,
      currency: 'USD',
      captured: 0,
      refunded: 0,
      status: 'authorized',
    });
    const repository = createOrdersRepository({ db: testbed.orders.handle.db });
    const lines = await repository.findLinesByOrderIds([order.id]);
    const [placed] = await repository.findEventsByOrderIds([order.id]);
    assert.deepEqual(placed?.payload['allocations'], [
      { warehouseId: EAST, lines: [{ orderLineId: lines[0]!.id, sku: TEE, quantity: 2 }] },
      { warehouseId: WEST, lines: [{ orderLineId: lines[1]!.id, sku: MUG, quantity: 1 }] },
    ]);
  });

  it('applies a promo code as the catalog does and records it on the order', async () => {
    const response = await testbed.place({ lines: basket, promoCode: ' welcome10 ' }, grace);
    const order = response.data?.placeOrder.order;
    assert.equal(order.promoCode, 'WELCOME10');
    // 10% off 53.80 leaves 48.42: under the free shipping threshold again
    assert.deepEqual(totalsOf(order), {
      subtotal: { amount: '53.80' },
      discountTotal: { amount: '5.38' },
      shippingTotal: { amount: '4.99' },
      taxTotal: { amount: '3.87' },
      total: { amount: '57.28' },
    });
    assert.deepEqual(totalsOf(order), await catalogQuote('WELCOME10'));
  });

  it('lets staff place an order for a named customer', async () => {
    const response = await testbed.place({ customerId: GRACE }, viewers.staff());
    assert.equal(response.data?.placeOrder.__typename, 'PlaceOrderSuccess');
    assert.deepEqual(response.data?.placeOrder.order.customer, { id: GRACE });
  });

  it('asks staff for the customer, and refuses anonymous callers, others and the warehouse', async () => {
    const staff = await testbed.place({}, viewers.staff());
    assert.deepEqual(staff.data?.placeOrder, {
      __typename: 'InvalidInputError',
      message: 'customerId is required when staff place an order.',
      field: 'customerId',
    });
    const anonymous = await testbed.place({}, viewers.anonymous());
    assert.equal(anonymous.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
    const other = await testbed.place({ customerId: GRACE }, viewers.customer(newUuid()));
    assert.equal(other.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    const warehouse = await testbed.place({ customerId: GRACE }, viewers.warehouse());
    assert.equal(warehouse.errors?.[0]?.extensions?.code, 'FORBIDDEN');
  });
});

describe('placeOrder idempotency', () => {
  it('returns the same order for a repeated key and reserves nothing twice', async () => {
    const before = { orders: await testbed.orderCount(), stock: await testbed.stock(TEE) };
    const input = { idempotencyKey: newKey(), lines: [{ sku: TEE, quantity: 3 }] };
    const first = await testbed.place(input, grace);
    const again = await testbed.place(input, grace);
    assert.equal(first.data?.placeOrder.__typename, 'PlaceOrderSuccess');
    assert.deepEqual(again.data, first.data);
    assert.equal(await testbed.orderCount(), before.orders + 1);
    assert.deepEqual(await testbed.stock(TEE), {
      available: before.stock.available - 3,
      reserved: before.stock.reserved + 3,
    });
  });

  it('refuses the key with another input', async () => {
    const idempotencyKey = newKey();
    await testbed.place({ idempotencyKey }, grace);
    const changed = await testbed.place(
      { idempotencyKey, lines: [{ sku: MUG, quantity: 1 }] },
      grace,
    );
    assert.deepEqual(changed.data?.placeOrder, {
      __typename: 'InvalidInputError',
      message: 'This idempotencyKey was already used with a different input.',
      field: 'idempotencyKey',
    });
  });

  it('keeps the keys of different customers apart', async () => {
    const idempotencyKey = newKey();
    const a = await testbed.place({ idempotencyKey }, grace);
    const b = await testbed.place({ idempotencyKey }, viewers.customer(newUuid()));
    assert.equal(b.data?.placeOrder.__typename, 'PlaceOrderSuccess');
    assert.notEqual(b.data?.placeOrder.order.id, a.data?.placeOrder.order.id);
  });
});

function newUuid() {
  return crypto.randomUUID();
}
