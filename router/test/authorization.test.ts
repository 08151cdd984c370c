import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ADA, GRACE, MUG, placeOrder, receiveStock } from './support/fixtures.js';
import { startStack, type Stack } from './support/stack.js';

let stack: Stack;
let adaOrderId: string;

before(async () => {
  stack = await startStack();
  await receiveStock(stack, { sku: MUG, quantity: 10 });
  const placed = await placeOrder(stack, { customerId: ADA, lines: [{ sku: MUG, quantity: 1 }] });
  adaOrderId = placed.order.id;
});
after(() => stack.stop());

const asCustomer = (id: string) => stack.token(id, ['customer']);

describe('customers see only their own data, across subgraphs', () => {
  it("refuses another customer's order with FORBIDDEN and no data", async () => {
    const response = await stack.request({
      token: await asCustomer(GRACE),
      query: `query($id: ID!) { order(id: $id) { number customer { email } lines { quantity } } }`,
      variables: { id: adaOrderId },
    });
    assert.deepEqual(response.data, { order: null });
    assert.equal(response.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');
    assert.ok(!JSON.stringify(response).includes('ada@example.com'));
  });

  it('shows the owner and staff the order with its customer', async () => {
    const query = `query($id: ID!) { order(id: $id) { customer { email } } }`;
    for (const token of [await asCustomer(ADA), await stack.token('staff-1', ['staff'])]) {
      const response = await stack.request({ token, query, variables: { id: adaOrderId } });
      assert.deepEqual(response.data, { order: { customer: { email: 'ada@example.com' } } });
    }
  });

  it("refuses another customer's record and order history", async () => {
    const token = await asCustomer(GRACE);
    const record = await stack.request({
      token,
      query: `{ customer(id: "${ADA}") { email orders { nodes { id } } } }`,
    });
    assert.deepEqual(record.data, { customer: null });
    assert.equal(record.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');
    const own = await stack.request({ token, query: '{ me { orders { nodes { id } } } }' });
    assert.deepEqual(own.data, { me: { orders: { nodes: [] } } });
  });

  it('gives an anonymous caller no order and no me', async () => {
    const order = await stack.request({ query: `{ order(id: "${adaOrderId}") { id } }` });
    assert.deepEqual(order.data, { order: null });
    // the router refuses it first (Query.order @requiresScopes): anonymous is UNAUTHENTICATED
    assert.equal(order.errors?.[0]?.extensions?.['code'], 'UNAUTHENTICATED');
    const me = await stack.request({ query: '{ me { id } }' });
    assert.deepEqual(me.data, { me: null });
  });

  it('refuses an invalid or expired token with 401 UNAUTHENTICATED before any subgraph', async () => {
    const response = await stack.request({
      token: 'not-a-token',
      query: '{ me { id } }',
      requestId: 'bad-token',
    });
    assert.equal(response.status, 401);
    assert.deepEqual(response.errors, [
      { message: 'The token is not valid.', extensions: { code: 'UNAUTHENTICATED' } },
    ]);
    assert.deepEqual(stack.statementsFor('bad-token'), {
      customers: 0,
      catalog: 0,
      orders: 0,
      inventory: 0,
      shipments: 0,
    });
  });
});

describe('subgraphs accept only the router', () => {
  const probes: Record<string, { typename: string; key: Record<string, string>; field: string }> = {
    customers: { typename: 'Customer', key: { id: ADA }, field: 'email' },
    catalog: { typename: 'ProductVariant', key: { sku: MUG }, field: 'name' },
    orders: { typename: 'Order', key: { id: '' }, field: 'number' },
    inventory: { typename: 'ProductVariant', key: { sku: MUG }, field: 'available' },
    shipments: { typename: 'Order', key: { id: '' }, field: 'shipments { id }' },
  };

  it('refuses an unsigned _entities call in every subgraph and reads nothing', async () => {
    for (const [name, probe] of Object.entries(probes)) {
      const key = 'id' in probe.key ? { id: adaOrderId } : probe.key;
      const response = await fetch(stack.subgraphs[name as keyof Stack['subgraphs']].url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': `unsigned-${name}` },
        body: JSON.stringify({
          query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on ${probe.typename} { ${probe.field} } } }`,
          variables: { r: [{ __typename: probe.typename, ...key }] },
        }),
      });
      const body = (await response.json()) as {
        data?: unknown;
        errors: { extensions: { code: string } }[];
      };
      assert.equal(response.status, 401, name);
      assert.equal(body.data, undefined, name);
      assert.equal(body.errors[0]?.extensions.code, 'UNAUTHENTICATED', name);
      assert.equal(
        stack.statementsFor(`unsigned-${name}`)[name as keyof Stack['subgraphs']],
        0,
        name,
      );
    }
  });
});
