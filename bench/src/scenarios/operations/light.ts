import { jsonBody, JSON_HEADERS, money, spread, type Operation } from './operation.js';

const QUERY = `query Light($sku: ID!) { variant(sku: $sku) { sku name price { amount currencyCode } } }`;

/** One variant's name and price: one subgraph (catalog), no sign-in. */
export const light: Operation = {
  name: 'light',
  description: "one variant's name and price (catalog)",
  async requests({ dataset }) {
    return spread(dataset.variants, 500).map((variant) => ({
      body: jsonBody(QUERY, { sku: variant.sku }),
      headers: JSON_HEADERS,
      expected: JSON.stringify({
        data: {
          variant: { sku: variant.sku, name: variant.name, price: money(variant.price) },
        },
      }),
    }));
  },
};
