import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { viewers, type TestSubgraph } from '@ordergraph/shared/testing';
import type { OrderRow } from '../src/db/schema.js';
import { createOrdersRepository } from '../src/orders.repository.js';
import { ADA, GRACE, insertOrder, placedOrder, startOrders, type Request } from './support.js';

let subgraph: TestSubgraph;
let request: Request;
let adas: OrderRow;
let graces: OrderRow;

before(async () => {
  ({ subgraph, request } = await startOrders());
  adas = await insertOrder(
    subgraph.handle,
    placedOrder({
      lines: [
        { sku: 'TEE-1', quantity: 2, unitPrice: 2500 },
        { sku: 'MUG-1', quantity: 1, unitPrice: 1200 },
      ],
    }),
  );
  graces = await insertOrder(subgraph.handle, placedOrder({ customerId: GRACE }));
});
after(() => subgraph.stop());

const ORDER_FIELDS = `id number customer { id } status paymentStatus currencyCode promoCode
  lines { variant { sku } quantity unitPrice { amount currencyCode } total { amount currencyCode } }
  shippingAddress { name line1 line2 city region postalCode country }
  subtotal { amount } discountTotal { amount } shippingTotal { amount } taxTotal { amount }
  total { amount currencyCode } placedAt updatedAt timeline { type message }`;

const usd = (amount: string) => ({ amount, currencyCode: 'USD' });

describe('signed requests', () => {
  it('refuses an _entities call without the router signature', async () => {
    const response = await request(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Order { number } } }`,
      { viewer: null, variables: { r: [{ __typename: 'Order', id: adas.id }] } },
    );
    assert.equal(response.status, 401);
    assert.equal(response.data, undefined);
    assert.deepEqual(response.errors?.[0]?.extensions, { code: 'UNAUTHENTICATED' });
  });
});

describe('Query.order', () => {
  const query = `query($id: ID!) { order(id: $id) { ${ORDER_FIELDS} } }`;

  it('shows the owner the whole order, its lines, money and timeline', async () => {
    const response = await request(query, {
      viewer: viewers.customer(ADA),
      variables: { id: adas.id },
    });
    assert.equal(response.errors, undefined);
    assert.deepEqual(response.data?.order, {
      id: adas.id,
      number: 'OG-100001',
      customer: { id: ADA },
      status: 'CONFIRMED',
      paymentStatus: 'AUTHORIZED',
      currencyCode: 'USD',
      promoCode: null,
      lines: [
        { variant: { sku: 'TEE-1' }, quantity: 2, unitPrice: usd('25.00'), total: usd('50.00') },
        { variant: { sku: 'MUG-1' }, quantity: 1, unitPrice: usd('12.00'), total: usd('12.00') },
      ],
      shippingAddress: {
        name: 'Ada Lovelace',
        line1: '12 St James Square',
        line2: null,
        city: 'London',
        region: null,
        postalCode: 'SW1Y 4JH',
        country: 'GB',
      },
      subtotal: { amount: '62.00' },
      discountTotal: { amount: '0.00' },
      shippingTotal: { amount: '5.00' },
      taxTotal: { amount: '0.00' },
      total: usd('67.00'),
      placedAt: adas.placedAt.toISOString(),
      updatedAt: adas.updatedAt.toISOString(),
      timeline: [
        { type: 'order.placed', message: 'Order OG-100001 placed' },
        { type: 'payment.authorized', message: 'Payment of 67.00 USD authorized' },
      ],
    });
  });

  it('numbers timeline events by their sequence, oldest first', async () => {
    const response = await request(
      `query($id: ID!) { order(id: $id) { timeline { id occurredAt } } }`,
      { viewer: viewers.staff(), variables: { id: adas.id } },
    );
    const events = await createOrdersRepository({ db: subgraph.handle.db }).findEventsByOrderIds([
      adas.id,
    ]);
    assert.deepEqual(
      response.data?.order.timeline,
      events.map((event) => ({
        id: String(event.seq),
        occurredAt: event.occurredAt.toISOString(),
      })),
    );
  });

  it('shows any order to staff and the warehouse', async () => {
    for (const viewer of [viewers.staff(), viewers.warehouse(), viewers.service('shipments')]) {
      const response = await request(`{ order(id: "${graces.id}") { number } }`, { viewer });
      assert.deepEqual(response.data, { order: { number: graces.number } });
    }
  });

  it('is null with a FORBIDDEN error for another customer, a carrier or anonymous', async () => {
    for (const viewer of [viewers.customer(GRACE), viewers.carrier('UPS'), viewers.anonymous()]) {
      const response = await request(`{ order(id: "${adas.id}") { number } }`, { viewer });
      assert.deepEqual(response.data, { order: null });
      assert.equal(response.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    }
  });

  it('is null without errors for an unknown or malformed id', async () => {
    for (const id of ['00000000-0000-4000-8000-0000000000ff', 'OG-100001', '']) {
      const response = await request(`query($id: ID!) { order(id: $id) { number } }`, {
        viewer: viewers.staff(),
        variables: { id },
      });
      assert.deepEqual(response, { status: 200, data: { order: null } });
    }
  });
});

describe('Order entity', () => {
  const entities = `query($r: [_Any!]!) { _entities(representations: $r) {
    ... on Order { id number customer { id } lines { quantity } timeline { type } } } }`;
  const refs = (...ids: string[]) => ids.map((id) => ({ __typename: 'Order', id }));

  it('resolves references in order, null for unknown ids, in bounded statements', async () => {
    const before = subgraph.handle.statements.count;
    const response = await request(entities, {
      viewer: viewers.staff(),
      variables: { r: refs(graces.id, 'nope', adas.id) },
    });
    // orders, lines, events: one statement each, whatever the number of references
    assert.equal(subgraph.handle.statements.count - before, 3);
    assert.deepEqual(response.data?._entities, [
      {
        id: graces.id,
        number: graces.number,
        customer: { id: GRACE },
        lines: [{ quantity: 2 }],
        timeline: [{ type: 'order.placed' }, { type: 'payment.authorized' }],
      },
      null,
      {
        id: adas.id,
        number: adas.number,
        customer: { id: ADA },
        lines: [{ quantity: 2 }, { quantity: 1 }],
        timeline: [{ type: 'order.placed' }, { type: 'payment.authorized' }],
      },
    ]);
  });

  it('resolves only their own orders for a customer', async () => {
    const response = await request(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Order { number } } }`,
      { viewer: viewers.customer(ADA), variables: { r: refs(adas.id, graces.id) } },
    );
    assert.deepEqual(response.data?._entities, [{ number: adas.number }, null]);
  });
});
