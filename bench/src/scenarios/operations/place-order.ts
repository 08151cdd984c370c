import postgres from 'postgres';
import { shippingFor } from '../../data/model.js';
import { createRandom } from '../../data/prng.js';
import { jsonBody, money, spread, withToken, type Operation } from './operation.js';

const QUERY = `mutation PlaceOrder($input: PlaceOrderInput!) {
  placeOrder(input: $input) {
    __typename
    ... on PlaceOrderSuccess {
      order {
        status
        paymentStatus
        total { amount currencyCode }
        lines { quantity unitPrice { amount currencyCode } variant { sku } }
      }
    }
    ... on UserError { message }
  }
}`;

const UNIQUE = '__UNIQUE__';
const KEY_PREFIX = 'bench-';

/**
 * A customer places an order: orders prices it with catalog, reserves stock with inventory and
 * authorizes the test payment. Every request has its own idempotency key, so each one writes.
 */
export const placeOrder: Operation = {
  name: 'place order',
  description: 'placeOrder: orders, catalog (pricing), inventory (reservation); writes',
  uniquePlaceholder: UNIQUE,
  async requests({ dataset, customerToken }) {
    const random = createRandom(7);
    return Promise.all(
      spread(dataset.buyers, 200).map(async (buyer) => {
        const skus = new Set<string>();
        const lineCount = random.int(1, 3);
        while (skus.size < lineCount) skus.add(random.pick(dataset.buyableSkus));
        const lines = [...skus].map((sku) => ({ sku, quantity: random.int(1, 2) }));
        const priced = lines.map((line) => ({
          ...line,
          unitPrice: dataset.variantBySku.get(line.sku)!.price,
        }));
        const subtotal = priced.reduce((sum, line) => sum + line.unitPrice * line.quantity, 0);
        const input = {
          idempotencyKey: `${KEY_PREFIX}${UNIQUE}`,
          lines,
          shippingAddress: {
            name: buyer.name,
            line1: '1 Benchmark Way',
            city: 'Springfield',
            postalCode: '12345',
            country: 'US',
          },
          payment: { token: 'tok_visa' },
        };
        return {
          body: jsonBody(QUERY, { input }),
          headers: withToken(await customerToken(buyer.id)),
          expected: JSON.stringify({
            data: {
              placeOrder: {
                __typename: 'PlaceOrderSuccess',
                order: {
                  status: 'CONFIRMED',
                  paymentStatus: 'AUTHORIZED',
                  // no tax rate is seeded: the total is the lines plus shipping
                  total: money(subtotal + shippingFor(subtotal)),
                  lines: priced.map((line) => ({
                    quantity: line.quantity,
                    unitPrice: money(line.unitPrice),
                    variant: { sku: line.sku },
                  })),
                },
              },
            },
          }),
        };
      }),
    );
  },
  // every successful response must be an order in the orders database
  async spotCheck({ databaseUrls, uniquePrefix, successes }) {
    const sql = postgres(databaseUrls.orders, { max: 1, onnotice: () => {} });
    try {
      // the load generator appends `-<n>` to the prefix
      const pattern = `${KEY_PREFIX}${uniquePrefix}-%`;
      const [row] = await sql<{ placed: number }[]>`
        select count(*)::int as placed from order_requests r join orders o on o.id = r.order_id
        where r.idempotency_key like ${pattern} and r.status = 'COMPLETED'`;
      const placed = row?.placed ?? 0;
      return placed >= successes
        ? null
        : `${successes} successful responses, but only ${placed} orders in the database`;
    } finally {
      await sql.end({ timeout: 5 });
    }
  },
};
