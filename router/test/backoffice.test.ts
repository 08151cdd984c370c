import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ADA, GRACE, placeOrder, receiveStock, TEE } from './support/fixtures.js';
import { startStack, type Stack } from './support/stack.js';
import { subscribeOverWebSocket } from './support/subscription-clients.js';

let stack: Stack;
let orderId: string;
before(async () => {
  stack = await startStack();
  await receiveStock(stack, { sku: TEE, quantity: 10 });
  const placed = await placeOrder(stack, { customerId: ADA, lines: [{ sku: TEE, quantity: 1 }] });
  orderId = placed.order.id;
});
after(() => stack.stop());

const ADD_NOTE = `mutation($input: AddOrderNoteInput!) { addOrderNote(input: $input) {
  __typename ... on AddOrderNoteSuccess { note { id visibility } } } }`;

async function addNote(text: string, visibility: 'INTERNAL' | 'CUSTOMER', key: string) {
  const response = await stack.request({
    token: await stack.token('staff-1', ['staff']),
    query: ADD_NOTE,
    variables: { input: { orderId, text, visibility, idempotencyKey: key } },
  });
  assert.equal(response.data?.addOrderNote.__typename, 'AddOrderNoteSuccess');
}

const ORDER_PAGE = `query($id: ID!) { order(id: $id) {
  notes { nodes { text visibility author { kind id } } }
  timeline { type message actor { kind id } } } }`;

describe('order notes through the router', () => {
  it('never shows an INTERNAL note to the customer, live or not, and notifies them of a CUSTOMER one', async () => {
    const customer = await stack.token(ADA, ['customer']);
    // a customer following the order live from its last update: the internal note must not
    // reach them
    await stack.settle();
    const cursors = await stack.request({
      token: customer,
      query: 'query($id: ID!) { order(id: $id) { timeline { cursor } } }',
      variables: { id: orderId },
    });
    const last = cursors.data?.order.timeline.at(-1).cursor;
    const live = subscribeOverWebSocket({
      url: stack.routerUrl,
      token: customer,
      query: `subscription($id: ID!, $after: String) {
        orderUpdated(orderId: $id, after: $after) { event { type message } } }`,
      variables: { id: orderId, after: last },
    });
    try {
      await addNote('Fraud check passed; careful, VIP.', 'INTERNAL', 'router-note-1');
      await addNote('Your order ships on Monday.', 'CUSTOMER', 'router-note-2');
      const [update] = await live.received.atLeast(1);
      assert.deepEqual(update, {
        data: {
          orderUpdated: {
            event: { type: 'order.note_added', message: 'Note: Your order ships on Monday.' },
          },
        },
      });
    } finally {
      await live.close();
    }
    assert.equal(live.received.results.length, 1);

    const seen = await stack.request({
      token: customer,
      query: ORDER_PAGE,
      variables: { id: orderId },
    });
    assert.deepEqual(seen.data?.order.notes.nodes, [
      {
        text: 'Your order ships on Monday.',
        visibility: 'CUSTOMER',
        author: { kind: 'STAFF', id: 'staff-1' },
      },
    ]);
    const types = seen.data?.order.timeline.map((event: { type: string }) => event.type);
    assert.deepEqual(types, [
      'order.placed',
      'payment.authorized',
      'shipment.updated',
      'order.note_added',
    ]);
    assert.ok(!JSON.stringify(seen).includes('Fraud check'));

    const staff = await stack.request({
      token: await stack.token('staff-1', ['staff']),
      query: ORDER_PAGE,
      variables: { id: orderId },
    });
    assert.deepEqual(
      staff.data?.order.notes.nodes.map((note: { visibility: string }) => note.visibility),
      ['CUSTOMER', 'INTERNAL'],
    );
    // who did what: the customer placed it, the shipments consumer made its shipment, staff wrote
    assert.deepEqual(
      staff.data?.order.timeline.map((event: { type: string; actor: unknown }) => [
        event.type,
        event.actor,
      ]),
      [
        ['order.placed', { kind: 'CUSTOMER', id: ADA }],
        ['payment.authorized', { kind: 'CUSTOMER', id: ADA }],
        ['shipment.updated', { kind: 'SYSTEM', id: 'shipments' }],
        ['order.note_added', { kind: 'STAFF', id: 'staff-1' }],
        ['order.note_added', { kind: 'STAFF', id: 'staff-1' }],
      ],
    );

    await stack.settle();
    const notified = await stack.request({
      token: customer,
      query: '{ me { notifications(first: 10) { nodes { kind title message } } } }',
    });
    const notes = notified.data?.me.notifications.nodes.filter(
      (notification: { kind: string }) => notification.kind === 'ORDER_NOTE',
    );
    assert.equal(notes.length, 1);
    assert.match(notes[0].message, /Your order ships on Monday\./);
    assert.ok(!JSON.stringify(notified).includes('Fraud check'));
  });

  it('refuses addOrderNote to a customer at the router, before any subgraph', async () => {
    const response = await stack.request({
      token: await stack.token(GRACE, ['customer']),
      query: ADD_NOTE,
      variables: {
        input: {
          orderId,
          text: 'Let me in',
          visibility: 'CUSTOMER',
          idempotencyKey: 'router-note-x',
        },
      },
    });
    assert.equal(response.data, null);
    assert.equal(response.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');
  });
});

describe('warehouses and carriers through the router', () => {
  const CREATE_WAREHOUSE = `mutation($input: CreateWarehouseInput!) { createWarehouse(input: $input) {
    __typename ... on CreateWarehouseSuccess { warehouse { id code active } } } }`;
  const CREATE_CARRIER = `mutation($input: CreateCarrierInput!) { createCarrier(input: $input) {
    __typename ... on CreateCarrierSuccess { carrier { code name } } } }`;
  const warehouseInput = {
    code: 'north',
    name: 'North',
    address: { line1: '1 Road', city: 'Boston', postalCode: '02101', country: 'US' },
    idempotencyKey: 'router-wh-1',
  };
  const carrierInput = {
    code: 'routerpost',
    name: 'Router Post',
    trackingUrlTemplate: 'https://track.example.com/{trackingNumber}',
    idempotencyKey: 'router-carrier-1',
  };

  it('lets staff create them', async () => {
    const staff = await stack.token('staff-1', ['staff']);
    const warehouse = await stack.request({
      token: staff,
      query: CREATE_WAREHOUSE,
      variables: { input: warehouseInput },
    });
    assert.deepEqual(warehouse.data?.createWarehouse, {
      __typename: 'CreateWarehouseSuccess',
      warehouse: { id: 'wh-north', code: 'NORTH', active: true },
    });
    const carrier = await stack.request({
      token: staff,
      query: CREATE_CARRIER,
      variables: { input: carrierInput },
    });
    assert.deepEqual(carrier.data?.createCarrier, {
      __typename: 'CreateCarrierSuccess',
      carrier: { code: 'routerpost', name: 'Router Post' },
    });
  });

  it('refuses warehouse workers, carriers and customers at the router', async () => {
    for (const [subject, roles] of [
      ['picker-1', ['warehouse']],
      ['carrier-ups', ['carrier']],
      [ADA, ['customer']],
    ] as const) {
      const token = await stack.token(subject, [...roles]);
      for (const [query, input] of [
        [CREATE_WAREHOUSE, { ...warehouseInput, code: 'nope', idempotencyKey: 'router-wh-no' }],
        [CREATE_CARRIER, { ...carrierInput, code: 'nope', idempotencyKey: 'router-c-no' }],
      ] as const) {
        const response = await stack.request({ token, query, variables: { input } });
        assert.equal(
          response.errors?.[0]?.extensions?.['code'],
          'FORBIDDEN',
          JSON.stringify(response),
        );
      }
    }
  });
});
