// demo data that spans services goes in through the public graph, like any client's would:
// stock is received, orders are placed; fixed idempotency keys make every re-run a no-op
// the fixture alone, not the customers service's seed (drizzle and its schema) in the launcher
import { DEMO_CUSTOMERS } from '@ordergraph/shared/demo-identities';

interface GraphQLBody<T> {
  data?: T;
  errors?: { message: string }[];
}

async function graphql<T>(
  routerUrl: string,
  token: string,
  query: string,
  variables = {},
): Promise<T> {
  const response = await fetch(routerUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as GraphQLBody<T>;
  if (!body.data || body.errors?.length) {
    throw new Error(`demo seeding failed: ${body.errors?.map((e) => e.message).join('; ')}`);
  }
  return body.data;
}

// root fields per request: the router's default limit is 20
const RECEIVE_BATCH = 20;
/** one mutation receiving stock for each input, as aliased root fields (run in order) */
const receiveMany = (count: number) => {
  const fields = Array.from({ length: count }, (_, n) => n);
  return `mutation ReceiveDemoStock(${fields.map((n) => `$s${n}: ReceiveStockInput!`).join(', ')}) {
  ${fields.map((n) => `s${n}: receiveStock(input: $s${n}) { __typename }`).join('\n  ')}
}`;
};
const PLACE = `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) {
  __typename ... on UserError { message } } }`;

/** Receives stock for every variant and places a handful of demo orders. */
export async function seedDemoData({ routerUrl, token }: { routerUrl: string; token: string }) {
  const { products, warehouses } = await graphql<{
    products: { nodes: { variants: { sku: string }[] }[] };
    warehouses: { id: string }[];
  }>(routerUrl, token, '{ products(first: 100) { nodes { variants { sku } } } warehouses { id } }');
  const skus = products.nodes
    .flatMap((product) => product.variants.map((variant) => variant.sku))
    .sort();

  const receipts: Record<string, unknown>[] = [];
  for (const [index, sku] of skus.entries()) {
    for (const [w, warehouse] of warehouses.entries()) {
      // every variant in the first warehouse, every other one in the second too
      if (w > 0 && index % 2 === 1) continue;
      const quantity = 10 + ((index * 7 + w * 13) % 40);
      receipts.push({
        sku,
        warehouseId: warehouse.id,
        quantity,
        idempotencyKey: `demo-stock-${sku}-${warehouse.id}`,
      });
    }
  }
  // a few requests rather than one per receipt: the start-up log stays short
  for (let first = 0; first < receipts.length; first += RECEIVE_BATCH) {
    const batch = receipts.slice(first, first + RECEIVE_BATCH);
    await graphql(
      routerUrl,
      token,
      receiveMany(batch.length),
      Object.fromEntries(batch.map((input, n) => [`s${n}`, input])),
    );
  }

  let orders = 0;
  for (const [n, customer] of DEMO_CUSTOMERS.entries()) {
    for (let k = 0; k < 2; k++) {
      const lines = [0, 1, 2].slice(0, 1 + ((n + k) % 3)).map((offset) => ({
        sku: skus[(n * 5 + k * 3 + offset * 7) % skus.length]!,
        quantity: 1 + ((n + offset) % 2),
      }));
      const result = await graphql<{ placeOrder: { __typename: string; message?: string } }>(
        routerUrl,
        token,
        PLACE,
        {
          input: {
            idempotencyKey: `demo-order-${n}-${k}`,
            customerId: customer.id,
            lines,
            shippingAddress: {
              name: customer.name,
              line1: customer.line1,
              city: customer.city,
              postalCode: customer.postalCode,
              country: customer.country,
            },
            payment: { token: 'tok_visa' },
            ...(k === 1 ? { promoCode: 'FIVEOFF' } : {}),
          },
        },
      );
      if (result.placeOrder.__typename === 'PlaceOrderSuccess') orders++;
    }
  }
  return { variants: skus.length, orders };
}
