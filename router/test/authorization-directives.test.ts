import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { SUPERGRAPH_FILE } from '../src/composition.js';
import type { Router } from '../src/server.js';
import { MUG, placeOrder, receiveStock, TEE, ADA } from './support/fixtures.js';
import { parsePrometheusText } from './support/prometheus.js';
import { JWT_SECRET, startStack, type Stack } from './support/stack.js';
import { wsClient } from './support/subscription-clients.js';

let stack: Stack;
let orderId: string;
// a second router over the same subgraphs, with test-only directives added to the supergraph
let annotated: { router: Router; url: string };

before(async () => {
  stack = await startStack();
  await receiveStock(stack, { sku: MUG, quantity: 10 });
  orderId = (await placeOrder(stack, { customerId: ADA, lines: [{ sku: MUG, quantity: 1 }] })).order
    .id;
  let sdl = readFileSync(SUPERGRAPH_FILE, 'utf8');
  sdl = annotate(sdl, 'Product', 'description', '@authenticated');
  sdl = annotate(sdl, 'Quote', 'promoCode', '@authenticated');
  sdl = annotate(sdl, 'UnknownSkuError', 'message', '@requiresScopes(scopes: [["support"]])');
  sdl = annotate(sdl, 'Warehouse', null, '@authenticated');
  annotated = await stack.startExtraRouter({ supergraphSdl: sdl });
});
after(async () => {
  await annotated.router.stop();
  await stack.stop();
});

/** Adds a directive to a type, or to one of its fields, of the supergraph's text. */
function annotate(sdl: string, type: string, field: string | null, directive: string): string {
  const start = sdl.search(new RegExp(`\\ntype ${type}[ \\n]`));
  assert.ok(start >= 0, `no type ${type}`);
  const open = sdl.indexOf('\n{', start);
  if (field === null) return `${sdl.slice(0, open)}\n  ${directive}${sdl.slice(open)}`;
  const end = sdl.indexOf('\n}', open);
  const block = sdl.slice(open, end);
  const changed = block.replace(new RegExp(`(\\n  ${field}: [^\\n]*)`), `$1 ${directive}`);
  assert.notEqual(changed, block, `no field ${type}.${field}`);
  return sdl.slice(0, open) + changed + sdl.slice(end);
}

async function post(
  url: string,
  { query, variables, token }: { query: string; variables?: unknown; token?: string },
) {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as {
    data?: Record<string, any> | null;
    errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string } }[];
  };
}

/** Fetches the stack's router sent to each subgraph so far (its /metrics). */
async function subgraphFetches(): Promise<Record<string, number>> {
  const text = await (await fetch(new URL('/metrics', stack.routerUrl))).text();
  const counts: Record<string, number> = {};
  for (const sample of parsePrometheusText(text).samples) {
    if (sample.name !== 'ordergraph_router_subgraph_fetch_duration_seconds_count') continue;
    const subgraph = sample.labels['subgraph']!;
    counts[subgraph] = (counts[subgraph] ?? 0) + sample.value;
  }
  return counts;
}

const fetchesDuring = async (run: () => Promise<unknown>) => {
  const before = await subgraphFetches();
  await run();
  const after = await subgraphFetches();
  return (name: string) => (after[name] ?? 0) - (before[name] ?? 0);
};

const codesAndPaths = (errors: { path?: unknown; extensions?: { code?: string } }[] = []) =>
  errors.map(({ path, extensions }) => ({ path, code: extensions?.code }));

const PRODUCTS = '{ products(first: 2) { nodes { name } } }';

describe('@requiresScopes and @authenticated at the router', () => {
  it('answers a field under @requiresScopes with null and FORBIDDEN, serves the rest and asks no subgraph for it', async () => {
    const carrier = await stack.token('carrier-1', ['carrier']);
    const expected = (await stack.request({ query: PRODUCTS })).data;
    let response: Awaited<ReturnType<typeof stack.request>> | undefined;
    const fetches = await fetchesDuring(async () => {
      response = await stack.request({
        token: carrier,
        query: `query($id: ID!) { products(first: 2) { nodes { name } } order(id: $id) { number } }`,
        variables: { id: orderId },
      });
    });
    assert.deepEqual(response!.data, { products: expected!['products'], order: null });
    assert.deepEqual(codesAndPaths(response!.errors), [{ path: ['order'], code: 'FORBIDDEN' }]);
    assert.match(response!.errors![0]!.message, /Query\.order requires the scope customer or/);
    assert.equal(fetches('orders'), 0);
    assert.equal(fetches('catalog'), 1);
  });

  it('gives the same field to a caller with one of the scopes', async () => {
    for (const roles of [['warehouse'], ['staff']] as const) {
      const response = await stack.request({
        token: await stack.token('someone', [...roles]),
        query: `query($id: ID!) { order(id: $id) { id } }`,
        variables: { id: orderId },
      });
      assert.deepEqual(response.data, { order: { id: orderId } });
      assert.equal(response.errors, undefined);
    }
  });

  it('answers an anonymous caller with null and UNAUTHENTICATED at the path', async () => {
    const response = await stack.request({
      query: `query($id: ID!) { categories shipment(id: $id) { id } }`,
      variables: { id: '00000000-0000-4000-8000-00000000abcd' },
    });
    assert.equal(response.data?.['shipment'], null);
    assert.ok(Array.isArray(response.data?.['categories']));
    assert.deepEqual(codesAndPaths(response.errors), [
      { path: ['shipment'], code: 'UNAUTHENTICATED' },
    ]);
    assert.match(response.errors![0]!.message, /Sign in to see Query\.shipment/);
  });

  it('refuses a staff mutation to a customer before any subgraph runs it', async () => {
    let response: Awaited<ReturnType<typeof stack.request>> | undefined;
    const fetches = await fetchesDuring(async () => {
      response = await stack.request({
        token: await stack.token(ADA, ['customer']),
        query: `mutation($input: CreateProductInput!) { createProduct(input: $input) { __typename } }`,
        variables: {
          input: {
            name: 'Not allowed',
            variants: [
              { sku: 'NOPE-1', name: 'x', price: { amount: '1.00', currencyCode: 'USD' } },
            ],
            idempotencyKey: 'customer-create-product',
          },
        },
      });
    });
    assert.equal(response!.data, null);
    assert.deepEqual(codesAndPaths(response!.errors), [
      { path: ['createProduct'], code: 'FORBIDDEN' },
    ]);
    assert.equal(fetches('catalog'), 0);
  });

  it('lets staff buy and the warehouse receive, refusing each the other before the inventory runs it', async () => {
    const warehouse = await stack.token('picker-1', ['warehouse']);
    const customer = await stack.token(ADA, ['customer']);
    const attempts = [
      {
        token: warehouse,
        field: 'createPurchaseOrder',
        query: `mutation($input: CreatePurchaseOrderInput!) { createPurchaseOrder(input: $input) { __typename } }`,
        input: {
          supplierId: '00000000-0000-4000-8000-000000000001',
          warehouseId: 'wh-east',
          lines: [{ sku: MUG, quantity: 1 }],
          idempotencyKey: 'warehouse-buys',
        },
      },
      {
        token: customer,
        field: 'receivePurchaseOrder',
        query: `mutation($input: ReceivePurchaseOrderInput!) { receivePurchaseOrder(input: $input) { __typename } }`,
        input: {
          purchaseOrderId: '00000000-0000-4000-8000-000000000001',
          lines: [{ sku: MUG, quantity: 1 }],
          idempotencyKey: 'customer-receives',
        },
      },
    ];
    for (const { token, field, query, input } of attempts) {
      let response: Awaited<ReturnType<typeof stack.request>> | undefined;
      const fetches = await fetchesDuring(async () => {
        response = await stack.request({ token, query, variables: { input } });
      });
      assert.equal(response!.data, null);
      assert.deepEqual(codesAndPaths(response!.errors), [{ path: [field], code: 'FORBIDDEN' }]);
      assert.equal(fetches('inventory'), 0);
    }
    const read = await stack.request({
      token: warehouse,
      query: `{ purchaseOrders(status: SUBMITTED) { nodes { id } } }`,
    });
    assert.deepEqual(read, { status: 200, data: { purchaseOrders: { nodes: [] } } });
    const suggestions = await stack.request({
      token: await stack.token('buyer-1', ['staff']),
      query: `{ replenishmentSuggestions(warehouseId: "wh-east") { nodes { sku } } }`,
    });
    assert.deepEqual(suggestions, {
      status: 200,
      data: { replenishmentSuggestions: { nodes: [] } },
    });
  });

  it('makes the nearest nullable parent null for a non-null refused field', async () => {
    // Customer.orders (OrderConnection!) needs customer, staff or admin; Order.customer is
    // non-null too, so the order itself (nullable) becomes null
    const response = await stack.request({
      token: await stack.token('picker-1', ['warehouse']),
      query: `query($id: ID!) {
        categories
        order(id: $id) { number customer { id orders(first: 1) { nodes { id } } } }
      }`,
      variables: { id: orderId },
    });
    assert.equal(response.data?.['order'], null);
    assert.ok(Array.isArray(response.data?.['categories']));
    assert.deepEqual(codesAndPaths(response.errors), [
      { path: ['order', 'customer', 'orders'], code: 'FORBIDDEN' },
    ]);
    const allowed = await stack.request({
      token: await stack.token('picker-1', ['warehouse']),
      query: `query($id: ID!) { order(id: $id) { customer { id } } }`,
      variables: { id: orderId },
    });
    assert.deepEqual(allowed.data, { order: { customer: { id: ADA } } });
  });

  it('counts the token scope claim as scopes', async () => {
    const token = await new SignJWT({ roles: [], scope: 'openid staff' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('integration-1')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(JWT_SECRET));
    const response = await stack.request({
      token,
      query: `query($id: ID!) { order(id: $id) { id } }`,
      variables: { id: orderId },
    });
    // the router lets it through (the orders service still applies its own rules to the roles)
    assert.ok(!response.errors?.some((error) => /requires the scope/.test(error.message)));
  });
});

describe('refused fields in lists, fragments and abstract types', () => {
  it('nulls a refused field in every list item, with one error per item', async () => {
    const response = await post(annotated.url, {
      query: '{ products(first: 3) { nodes { name description } } }',
    });
    const nodes = response.data?.['products'].nodes as { name: string; description: null }[];
    assert.equal(nodes.length, 3);
    for (const node of nodes) {
      assert.equal(typeof node.name, 'string');
      assert.equal(node.description, null);
      assert.deepEqual(Object.keys(node), ['name', 'description']);
    }
    assert.deepEqual(
      codesAndPaths(response.errors),
      [0, 1, 2].map((index) => ({
        path: ['products', 'nodes', index, 'description'],
        code: 'UNAUTHENTICATED',
      })),
    );
    const signedIn = await post(annotated.url, {
      token: await stack.token(ADA, ['customer']),
      query: '{ products(first: 1) { nodes { description } } }',
    });
    assert.equal(signedIn.errors, undefined);
  });

  it('reports one error for a refused field that has no position (an empty list)', async () => {
    const response = await post(annotated.url, {
      query:
        '{ products(first: 2, search: "no such product at all") { nodes { name description } } }',
    });
    assert.deepEqual(response.data, { products: { nodes: [] } });
    assert.deepEqual(codesAndPaths(response.errors), [
      { path: ['products', 'nodes'], code: 'UNAUTHENTICATED' },
    ]);
  });

  it('refuses through named fragments, inline fragments and aliases alike', async () => {
    const response = await post(annotated.url, {
      query: `query {
        products(first: 1) { nodes { ...Card ... on Product { inline: description } plain: description } }
      }
      fragment Card on Product { name aliased: description }`,
    });
    const [node] = response.data?.['products'].nodes as Record<string, unknown>[];
    assert.deepEqual(Object.keys(node!), ['name', 'aliased', 'inline', 'plain']);
    assert.equal(typeof node!['name'], 'string');
    assert.equal(node!['aliased'], null);
    assert.equal(node!['inline'], null);
    assert.equal(node!['plain'], null);
    assert.deepEqual(
      codesAndPaths(response.errors)
        .map(({ path }) => (path as string[]).at(-1))
        .sort(),
      ['aliased', 'inline', 'plain'],
    );
  });

  it("refuses a union member's field only where the result is of that type", async () => {
    const query = `query($sku: ID!) { quote(input: { lines: [{ sku: $sku, quantity: 1 }] }) {
      __typename
      ... on Quote { promoCode subtotal { amount } }
      ... on UnknownSkuError { sku }
    } }`;
    const quote = await post(annotated.url, { query, variables: { sku: TEE } });
    assert.deepEqual(quote.data, {
      quote: { __typename: 'Quote', promoCode: null, subtotal: { amount: '19.90' } },
    });
    assert.deepEqual(codesAndPaths(quote.errors), [
      { path: ['quote', 'promoCode'], code: 'UNAUTHENTICATED' },
    ]);
    const unknown = await post(annotated.url, { query, variables: { sku: 'NO-SUCH-SKU' } });
    assert.deepEqual(unknown.data, {
      quote: { __typename: 'UnknownSkuError', sku: 'NO-SUCH-SKU' },
    });
    assert.equal(unknown.errors, undefined);
  });

  it('refuses an interface field when one implementation requires a scope the caller lacks', async () => {
    const query = `{ quote(input: { lines: [{ sku: "NO-SUCH-SKU", quantity: 1 }] }) {
      ... on UserError { message }
    } }`;
    const customer = await stack.token(ADA, ['customer']);
    const refused = await post(annotated.url, { query, token: customer });
    // UserError.message is non-null, and so is Query.quote: the whole data is null
    assert.equal(refused.data, null);
    assert.deepEqual(codesAndPaths(refused.errors), [
      { path: ['quote', 'message'], code: 'FORBIDDEN' },
    ]);
    const support = await new SignJWT({ roles: ['staff'], scope: 'support' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('support-1')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(JWT_SECRET));
    const allowed = await post(annotated.url, { query, token: support });
    assert.match(allowed.data?.['quote'].message, /NO-SUCH-SKU/);
  });

  it('counts the token scope claim over WebSocket too', async () => {
    const query = `{ quote(input: { lines: [{ sku: "NO-SUCH-SKU", quantity: 1 }] }) {
      ... on UserError { message }
    } }`;
    const support = await new SignJWT({ roles: ['staff'], scope: 'support' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('support-1')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(JWT_SECRET));
    const client = wsClient(annotated.url, support);
    try {
      const result = await new Promise<Record<string, any>>((resolve, reject) => {
        client.subscribe({ query }, { next: resolve, error: reject, complete: () => undefined });
      });
      assert.equal(result['errors'], undefined, JSON.stringify(result));
      assert.match(result['data']?.['quote'].message, /NO-SUCH-SKU/);
    } finally {
      await client.dispose();
    }
  });

  it('refuses every field returning a type under @authenticated', async () => {
    const response = await post(annotated.url, {
      query: '{ categories warehouse(id: "wh-east") { name } }',
    });
    assert.equal(response.data?.['warehouse'], null);
    assert.ok(Array.isArray(response.data?.['categories']));
    assert.deepEqual(codesAndPaths(response.errors), [
      { path: ['warehouse'], code: 'UNAUTHENTICATED' },
    ]);
  });
});

describe('subscriptions under the directives', () => {
  const subscribe = (query: string, variables: unknown, token?: string) =>
    fetch(stack.routerUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'multipart/mixed;subscriptionSpec="1.0", application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });

  it('refuses a subscription selecting a field its subscriber may not see', async () => {
    const anonymous = await subscribe(
      'subscription($id: ID!) { shipmentUpdated(shipmentId: $id) { cursor } }',
      { id: '00000000-0000-4000-8000-00000000abcd' },
    );
    assert.equal(anonymous.status, 400);
    const body = (await anonymous.json()) as {
      errors: { path: string[]; extensions: { code: string } }[];
    };
    assert.deepEqual(codesAndPaths(body.errors), [
      { path: ['shipmentUpdated'], code: 'UNAUTHENTICATED' },
    ]);
    const carrier = await subscribe(
      'subscription($id: ID!) { orderUpdated(orderId: $id) { cursor } }',
      { id: orderId },
      await stack.token('carrier-1', ['carrier']),
    );
    assert.equal(carrier.status, 400);
    const refused = (await carrier.json()) as { errors: { extensions: { code: string } }[] };
    assert.equal(refused.errors[0]?.extensions.code, 'FORBIDDEN');
  });
});
