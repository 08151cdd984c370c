import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { eq } from 'drizzle-orm';
import { encodeCursor } from '@ordergraph/shared';
import { viewers, type TestSubgraph } from '@ordergraph/shared/testing';
import { orders } from '../src/db/schema.js';
import { insertOrder, placedOrder, startOrders, type Request } from './support.js';

let subgraph: TestSubgraph;
let request: Request;
const alan = randomUUID();
const hedy = randomUUID();
const nobody = randomUUID();
/** each customer's order numbers, newest first */
const numbers: Record<string, string[]> = { [alan]: [], [hedy]: [] };

before(async () => {
  ({ subgraph, request } = await startOrders());
  for (const customerId of [alan, hedy, alan, alan, hedy, alan]) {
    const order = await insertOrder(subgraph.handle, placedOrder({ customerId }));
    numbers[customerId]!.unshift(order.number);
  }
  await subgraph.handle.db
    .update(orders)
    .set({ status: 'SHIPPED' })
    .where(eq(orders.number, numbers[alan]![1]!));
});
after(() => subgraph.stop());

const entities = (fields: string) =>
  `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id ${fields} } } }`;
const refs = (...ids: string[]) => ids.map((id) => ({ __typename: 'Customer', id }));

describe('Customer.orders', () => {
  it('pages each customer of a batch newest first, in one statement for all of them', async () => {
    const before = subgraph.handle.statements.count;
    const response = await request(
      entities('orders(first: 2) { nodes { number } pageInfo { hasNextPage } }'),
      { viewer: viewers.staff(), variables: { r: refs(alan, hedy, nobody) } },
    );
    assert.equal(subgraph.handle.statements.count - before, 1);
    assert.deepEqual(response.data?._entities, [
      {
        id: alan,
        orders: {
          nodes: numbers[alan]!.slice(0, 2).map((number) => ({ number })),
          pageInfo: { hasNextPage: true },
        },
      },
      {
        id: hedy,
        orders: {
          nodes: numbers[hedy]!.map((number) => ({ number })),
          pageInfo: { hasNextPage: false },
        },
      },
      { id: nobody, orders: { nodes: [], pageInfo: { hasNextPage: false } } },
    ]);
  });

  it('loads the lines and timelines of every listed order in one statement each', async () => {
    const before = subgraph.handle.statements.count;
    const response = await request(
      entities('orders { nodes { lines { quantity } timeline { type } } }'),
      { viewer: viewers.staff(), variables: { r: refs(alan, hedy) } },
    );
    assert.equal(subgraph.handle.statements.count - before, 3);
    const nodes = response.data?._entities.flatMap(
      (customer: { orders: { nodes: unknown[] } }) => customer.orders.nodes,
    );
    assert.equal(nodes.length, 6);
  });

  it('runs one statement per distinct page asked for', async () => {
    const before = subgraph.handle.statements.count;
    const response = await request(
      entities(`newest: orders(first: 1) { nodes { number } }
        shipped: orders(status: SHIPPED) { nodes { number } }`),
      { viewer: viewers.staff(), variables: { r: refs(alan, hedy) } },
    );
    assert.equal(subgraph.handle.statements.count - before, 2);
    assert.deepEqual(response.data?._entities, [
      {
        id: alan,
        newest: { nodes: [{ number: numbers[alan]![0] }] },
        shipped: { nodes: [{ number: numbers[alan]![1] }] },
      },
      { id: hedy, newest: { nodes: [{ number: numbers[hedy]![0] }] }, shipped: { nodes: [] } },
    ]);
  });

  it('continues after a cursor until the last page', async () => {
    const query = entities(
      'orders(first: 3, after: $after) { edges { cursor node { number } } pageInfo { hasNextPage endCursor } }',
    ).replace('$r: [_Any!]!', '$r: [_Any!]!, $after: String');
    const first = await request(query, {
      viewer: viewers.customer(alan),
      variables: { r: refs(alan) },
    });
    const page = first.data?._entities[0].orders;
    assert.equal(page.pageInfo.endCursor, page.edges[2].cursor);
    const second = await request(query, {
      viewer: viewers.customer(alan),
      variables: { r: refs(alan), after: page.pageInfo.endCursor },
    });
    const next = second.data?._entities[0].orders;
    assert.deepEqual(
      [...page.edges, ...next.edges].map((edge: { node: unknown }) => edge.node),
      numbers[alan]!.map((number) => ({ number })),
    );
    assert.deepEqual(next.pageInfo, { hasNextPage: false, endCursor: next.edges[0].cursor });
  });

  it('filters by status', async () => {
    const response = await request(
      entities('orders(status: SHIPPED) { nodes { number status } }'),
      {
        viewer: viewers.customer(alan),
        variables: { r: refs(alan) },
      },
    );
    assert.deepEqual(response.data?._entities[0].orders.nodes, [
      { number: numbers[alan]![1], status: 'SHIPPED' },
    ]);
  });

  it('is FORBIDDEN for another customer and for the warehouse', async () => {
    for (const viewer of [viewers.customer(hedy), viewers.warehouse(), viewers.anonymous()]) {
      const response = await request(entities('orders { nodes { number } }'), {
        viewer,
        variables: { r: refs(alan) },
      });
      assert.deepEqual(response.data?._entities, [null]);
      assert.equal(response.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    }
  });

  it('refuses a page size out of range and a cursor that is not one of ours', async () => {
    const bad = [
      { first: 0 },
      { first: 101 },
      { after: 'not base64 json' },
      { after: encodeCursor({ placedAt: 'yesterday', id: randomUUID() }) },
      { after: encodeCursor({ placedAt: new Date().toISOString(), id: "1' or '1'='1" }) },
    ];
    for (const args of bad) {
      const response = await request(
        entities('orders(first: $first, after: $after) { nodes { number } }').replace(
          '$r: [_Any!]!',
          '$r: [_Any!]!, $first: Int, $after: String',
        ),
        { viewer: viewers.staff(), variables: { r: refs(alan), first: 20, ...args } },
      );
      assert.equal(response.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT', JSON.stringify(args));
    }
  });
});
