import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GRACE, MUG, placeOrder, receiveStock, TEE } from './support/fixtures.js';
import { startStack, type Stack } from './support/stack.js';

let stack: Stack;
before(async () => {
  stack = await startStack();
});
after(() => stack.stop());

const ORDER_QUERY = `query {
  me {
    name
    email
    orders(first: 5) {
      nodes {
        number status paymentStatus
        customer { name }
        subtotal { amount currencyCode } discountTotal { amount } shippingTotal { amount }
        taxTotal { amount } total { amount currencyCode }
        lines {
          quantity unitPrice { amount } total { amount }
          variant {
            sku name price { amount currencyCode } product { name }
            available stock { warehouse { code name } onHand reserved available }
          }
        }
        shipments { status trackingNumber }
        timeline { type message }
      }
      pageInfo { hasNextPage }
    }
  }
}`;

describe('the order graph', () => {
  it('answers one query with data from all five subgraphs', async () => {
    await receiveStock(stack, { sku: TEE, quantity: 5 });
    await receiveStock(stack, { sku: MUG, quantity: 3 });
    const placed = await placeOrder(stack, {
      customerId: GRACE,
      lines: [
        { sku: TEE, quantity: 2 },
        { sku: MUG, quantity: 1 },
      ],
    });
    assert.equal(placed.__typename, 'PlaceOrderSuccess');
    const number = placed.order.number;
    await stack.settle(); // the shipments service has opened the order's shipment

    const response = await stack.request({
      query: ORDER_QUERY,
      token: await stack.token(GRACE, ['customer']),
    });
    assert.equal(response.errors, undefined);
    const east = { code: 'EAST', name: 'East Coast Fulfilment Center' };
    assert.deepEqual(response.data, {
      me: {
        name: 'Grace Hopper',
        email: 'grace@example.com',
        orders: {
          nodes: [
            {
              number,
              status: 'CONFIRMED',
              paymentStatus: 'AUTHORIZED',
              customer: { name: 'Grace Hopper' },
              // 2 x 19.90 + 14.00 = 53.80; free US shipping from 50.00; 7.25% tax = 3.9005 -> 3.90
              subtotal: { amount: '53.80', currencyCode: 'USD' },
              discountTotal: { amount: '0.00' },
              shippingTotal: { amount: '0.00' },
              taxTotal: { amount: '3.90' },
              total: { amount: '57.70', currencyCode: 'USD' },
              lines: [
                {
                  quantity: 2,
                  unitPrice: { amount: '19.90' },
                  total: { amount: '39.80' },
                  variant: {
                    sku: TEE,
                    name: 'Black / M',
                    price: { amount: '19.90', currencyCode: 'USD' },
                    product: { name: 'Classic Tee' },
                    available: 3,
                    stock: [{ warehouse: east, onHand: 5, reserved: 2, available: 3 }],
                  },
                },
                {
                  quantity: 1,
                  unitPrice: { amount: '14.00' },
                  total: { amount: '14.00' },
                  variant: {
                    sku: MUG,
                    name: 'White',
                    price: { amount: '14.00', currencyCode: 'USD' },
                    product: { name: 'Ceramic Mug' },
                    available: 2,
                    stock: [{ warehouse: east, onHand: 3, reserved: 1, available: 2 }],
                  },
                },
              ],
              shipments: [{ status: 'PENDING', trackingNumber: null }],
              timeline: [
                { type: 'order.placed', message: `Order ${number} placed` },
                { type: 'payment.authorized', message: 'Payment of 57.70 USD authorized' },
                { type: 'shipment.updated', message: 'Shipment from EAST is being prepared' },
              ],
            },
          ],
          pageInfo: { hasNextPage: false },
        },
      },
    });
  });
});
