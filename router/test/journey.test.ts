import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ADA, availableOf, GRACE, MUG, placeOrder, receiveStock, TEE } from './support/fixtures.js';
import type { Role } from '@ordergraph/shared';
import { startStack, type Stack } from './support/stack.js';

// the whole life of one order through the router, as its users drive it: a split shipment
// from two warehouses, carrier scans (one duplicated, one late), delivery, a partial return
// and its refund; statuses, stock, money, timeline and notifications checked at each step

let stack: Stack;
let tokens: Record<'grace' | 'ada' | 'staff' | 'warehouse' | 'ups' | 'ogx', string>;
before(async () => {
  stack = await startStack();
  tokens = {
    grace: await stack.token(GRACE, ['customer']),
    ada: await stack.token(ADA, ['customer']),
    // named, so the timeline can say who did each step
    staff: await namedToken('staff-1', ['staff'], 'Sam Staff'),
    warehouse: await namedToken('picker-1', ['warehouse'], 'Pat Picker'),
    ups: await carrierToken('ups'),
    ogx: await carrierToken('ogx'),
  };
  // the tee is only in the east, the mug only in the west: the order must split
  await receiveStock(stack, { sku: TEE, warehouseId: 'wh-east', quantity: 1 });
  await receiveStock(stack, { sku: MUG, warehouseId: 'wh-west', quantity: 5 });
});
after(() => stack.stop());

async function namedToken(subject: string, roles: Role[], name: string) {
  const { signToken } = await import('../src/auth.js');
  const { JWT_SECRET } = await import('./support/stack.js');
  return signToken({ secret: JWT_SECRET, subject, roles, name });
}

async function carrierToken(code: string) {
  const { signToken } = await import('../src/auth.js');
  const { JWT_SECRET } = await import('./support/stack.js');
  return signToken({
    secret: JWT_SECRET,
    subject: `carrier-${code}`,
    roles: ['carrier'],
    carrierCode: code,
  });
}

async function gql(token: string, query: string, variables: Record<string, unknown> = {}) {
  const response = await stack.request({ token, query, variables });
  assert.equal(response.errors, undefined, JSON.stringify(response.errors));
  return response.data!;
}

let key = 0;
const mutate = async (
  token: string,
  field: string,
  input: Record<string, unknown>,
  select = '__typename',
) => {
  const inputType = ['startPicking', 'markPacked'].includes(field)
    ? 'ShipmentActionInput'
    : `${field[0]!.toUpperCase()}${field.slice(1)}Input`;
  const data = await gql(
    token,
    `mutation($input: ${inputType}!) { ${field}(input: $input) { ${select} ... on UserError { message } } }`,
    { input: { ...input, idempotencyKey: `journey-${++key}` } },
  );
  return data[field];
};

const ORDER = `query($id: ID!) { order(id: $id) {
  status paymentStatus allowedActions
  lines { id variant { sku } }
  shipments { id status carrier { code } trackingNumber warehouse { code } }
  timeline { type }
  returns { id status }
} }`;
const orderOf = async (id: string) => (await gql(tokens.grace, ORDER, { id }))['order'];
const allNotificationsOf = async (): Promise<string[]> =>
  (await gql(tokens.grace, '{ me { notifications(first: 50) { nodes { kind } } } }'))[
    'me'
  ].notifications.nodes
    .map((n: { kind: string }) => n.kind)
    .reverse();
// invoices come from the orders feed, shipping news from the shipments feed: their relative
// order is not fixed, so the invoices are counted apart
const notificationsOf = async () =>
  (await allNotificationsOf()).filter((kind) => kind !== 'INVOICE_ISSUED');
const invoiceNotificationsOf = async () =>
  (await allNotificationsOf()).filter((kind) => kind === 'INVOICE_ISSUED').length;
const stockOf = async (sku: string) => {
  const data = await gql(
    tokens.staff,
    `query($sku: ID!) { variant(sku: $sku) { stock { warehouse { code } onHand reserved available } } }`,
    { sku },
  );
  return data['variant'].stock;
};

describe('the life of an order, through the router', () => {
  let orderId: string;
  let shipmentByWarehouse: Record<string, { id: string }>;

  it('places an order split across two warehouses, with a pending shipment from each', async () => {
    const placed = await placeOrder(stack, {
      customerId: GRACE,
      lines: [
        { sku: TEE, quantity: 1 },
        { sku: MUG, quantity: 2 },
      ],
    });
    assert.equal(placed.__typename, 'PlaceOrderSuccess');
    orderId = placed.order.id;
    await stack.settle();

    const order = await orderOf(orderId);
    assert.equal(order.status, 'CONFIRMED');
    assert.equal(order.paymentStatus, 'AUTHORIZED');
    assert.ok(order.allowedActions.includes('CANCEL'));
    const shipments = order.shipments.map((s: any) => [s.warehouse.code, s.status]).sort();
    assert.deepEqual(shipments, [
      ['EAST', 'PENDING'],
      ['WEST', 'PENDING'],
    ]);
    shipmentByWarehouse = Object.fromEntries(
      order.shipments.map((s: any) => [s.warehouse.code, s]),
    );
    assert.deepEqual(await stockOf(TEE), [
      { warehouse: { code: 'EAST' }, onHand: 1, reserved: 1, available: 0 },
    ]);
    assert.deepEqual(await stockOf(MUG), [
      { warehouse: { code: 'WEST' }, onHand: 5, reserved: 2, available: 3 },
    ]);
    assert.deepEqual(await notificationsOf(), ['ORDER_CONFIRMED']);
  });

  it('refuses other customers and other carriers', async () => {
    const cancel = await stack.request({
      token: tokens.ada,
      query: `mutation($input: CancelOrderInput!) { cancelOrder(input: $input) { __typename } }`,
      variables: { input: { orderId, idempotencyKey: 'ada-cancel' } },
    });
    assert.notEqual(cancel.data?.cancelOrder?.__typename, 'CancelOrderSuccess');
    assert.equal((await orderOf(orderId)).status, 'CONFIRMED');
  });

  it('picks, packs and ships both parcels: stock sold, payment captured, order shipped', async () => {
    for (const code of ['EAST', 'WEST']) {
      const shipmentId = shipmentByWarehouse[code]!.id;
      assert.equal(
        (await mutate(tokens.warehouse, 'startPicking', { shipmentId })).__typename,
        'ShipmentSuccess',
      );
      assert.equal(
        (await mutate(tokens.warehouse, 'markPacked', { shipmentId })).__typename,
        'ShipmentSuccess',
      );
    }
    await stack.settle();
    assert.equal((await orderOf(orderId)).status, 'PROCESSING');

    const east = await mutate(tokens.warehouse, 'shipShipment', {
      shipmentId: shipmentByWarehouse['EAST']!.id,
      carrierCode: 'ups',
      trackingNumber: '1Z999AA10123456784',
    });
    assert.equal(east.__typename, 'ShipmentSuccess');
    await stack.settle();
    let order = await orderOf(orderId);
    assert.equal(order.status, 'PARTIALLY_SHIPPED');
    assert.deepEqual(await stockOf(TEE), [
      { warehouse: { code: 'EAST' }, onHand: 0, reserved: 0, available: 0 },
    ]);

    const west = await mutate(tokens.warehouse, 'shipShipment', {
      shipmentId: shipmentByWarehouse['WEST']!.id,
      carrierCode: 'ogx',
    });
    assert.equal(west.__typename, 'ShipmentSuccess');
    await stack.settle();
    order = await orderOf(orderId);
    assert.equal(order.status, 'SHIPPED');
    assert.equal(order.paymentStatus, 'CAPTURED');
    assert.ok(!order.allowedActions.includes('CANCEL'));
    assert.deepEqual(await stockOf(MUG), [
      { warehouse: { code: 'WEST' }, onHand: 3, reserved: 0, available: 3 },
    ]);
    assert.deepEqual(await notificationsOf(), [
      'ORDER_CONFIRMED',
      'ORDER_SHIPPED',
      'ORDER_SHIPPED',
    ]);
    // one invoice per captured shipment
    assert.equal(await invoiceNotificationsOf(), 2);

    const notCancellable = await mutate(tokens.staff, 'cancelOrder', { orderId });
    assert.equal(notCancellable.__typename, 'OrderNotCancellableError');
  });

  it('follows carrier scans, duplicated and late ones included, to delivery', async () => {
    const scan = async (
      token: string,
      carrierCode: string,
      trackingNumber: string,
      status: string,
      at: string,
    ) => {
      const result = await mutate(token, 'recordTrackingEvent', {
        carrierCode,
        trackingNumber,
        status,
        description: status.toLowerCase(),
        occurredAt: at,
      });
      assert.equal(result.__typename, 'ShipmentSuccess', JSON.stringify(result));
    };
    const order = await orderOf(orderId);
    const ups = order.shipments.find((s: any) => s.carrier?.code === 'ups');
    const ogx = order.shipments.find((s: any) => s.carrier?.code === 'ogx');
    assert.equal(ups.trackingNumber, '1Z999AA10123456784');

    // a carrier may not report on another carrier's parcel
    const foreign = await stack.request({
      token: tokens.ogx,
      query: `mutation($input: RecordTrackingEventInput!) { recordTrackingEvent(input: $input) { __typename } }`,
      variables: {
        input: {
          carrierCode: 'ups',
          trackingNumber: ups.trackingNumber,
          status: 'DELIVERED',
          description: 'x',
          occurredAt: '2030-01-01T00:00:00Z',
          idempotencyKey: 'foreign',
        },
      },
    });
    assert.equal(foreign.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');

    // scans from the last two days, in hours since shipping
    const day = (h: number) => new Date(Date.now() - (48 - h) * 3_600_000).toISOString();
    await scan(tokens.ups, 'ups', ups.trackingNumber, 'IN_TRANSIT', day(1));
    await scan(tokens.ups, 'ups', ups.trackingNumber, 'OUT_FOR_DELIVERY', day(20));
    await scan(tokens.ups, 'ups', ups.trackingNumber, 'OUT_FOR_DELIVERY', day(20)); // the same scan again
    await scan(tokens.ups, 'ups', ups.trackingNumber, 'DELIVERED', day(22));
    await scan(tokens.ups, 'ups', ups.trackingNumber, 'IN_TRANSIT', day(2)); // arrives late
    await stack.settle();
    let current = await orderOf(orderId);
    assert.equal(current.status, 'SHIPPED');
    assert.equal(current.shipments.find((s: any) => s.id === ups.id).status, 'DELIVERED');

    await scan(tokens.ogx, 'ogx', ogx.trackingNumber, 'DELIVERED', day(30));
    await stack.settle();
    current = await orderOf(orderId);
    assert.equal(current.status, 'DELIVERED');
    assert.deepEqual(await notificationsOf(), [
      'ORDER_CONFIRMED',
      'ORDER_SHIPPED',
      'ORDER_SHIPPED',
      'OUT_FOR_DELIVERY',
      'ORDER_DELIVERED',
      'ORDER_DELIVERED',
    ]);
  });

  it('takes part of the order back and refunds it', async () => {
    const order = await orderOf(orderId);
    const mugLine = order.lines.find((l: any) => l.variant.sku === MUG);
    const requested = await mutate(
      tokens.grace,
      'requestReturn',
      { orderId, lines: [{ orderLineId: mugLine.id, quantity: 1 }], reason: 'Too small' },
      '__typename ... on RequestReturnSuccess { return { id status } }',
    );
    assert.equal(requested.__typename, 'RequestReturnSuccess');
    const returnId = requested.return.id;
    assert.equal(
      (await mutate(tokens.staff, 'approveReturn', { returnId })).__typename,
      'ApproveReturnSuccess',
    );
    const received = await mutate(tokens.warehouse, 'receiveReturn', {
      returnId,
      lines: [{ orderLineId: mugLine.id, disposition: 'RESTOCK', warehouseId: 'wh-west' }],
    });
    assert.equal(received.__typename, 'ReceiveReturnSuccess');
    assert.deepEqual(await stockOf(MUG), [
      { warehouse: { code: 'WEST' }, onHand: 4, reserved: 0, available: 4 },
    ]);
    const refunded = await mutate(
      tokens.staff,
      'refundReturn',
      { returnId },
      '__typename ... on RefundReturnSuccess { amount { amount currencyCode } }',
    );
    assert.equal(refunded.__typename, 'RefundReturnSuccess');
    // 14.00 for the mug plus its share of the tax charged on goods: the order's 3.83 tax on
    // 52.89 (goods 47.90 + shipping 4.99) puts 3.4686 on goods, 14/47.90 of it 1.0138 -> 1.01;
    // shipping and its tax are not refunded
    assert.deepEqual(refunded.amount, { amount: '15.01', currencyCode: 'USD' });
    await stack.settle();

    const after = await orderOf(orderId);
    assert.equal(after.status, 'PARTIALLY_RETURNED');
    assert.equal(after.paymentStatus, 'PARTIALLY_REFUNDED');
    assert.deepEqual(after.returns, [{ id: returnId, status: 'REFUNDED' }]);
    assert.deepEqual(await notificationsOf(), [
      'ORDER_CONFIRMED',
      'ORDER_SHIPPED',
      'ORDER_SHIPPED',
      'OUT_FOR_DELIVERY',
      'ORDER_DELIVERED',
      'ORDER_DELIVERED',
      'REFUND_ISSUED',
    ]);
    assert.deepEqual(await availableOf(stack, MUG), { available: 4, reserved: 0 });
  });

  it('keeps every step on the timeline once, in order', async () => {
    const types = (await orderOf(orderId)).timeline.map((e: { type: string }) => e.type);
    const first = (type: string) => types.indexOf(type);
    for (const type of [
      'order.placed',
      'payment.authorized',
      'payment.captured',
      'refund.issued',
    ]) {
      assert.ok(types.includes(type), `${type} missing from ${types.join(', ')}`);
    }
    assert.ok(first('order.placed') < first('payment.captured'));
    assert.ok(first('payment.captured') < first('refund.issued'));
    assert.equal(types.filter((t: string) => t === 'payment.captured').length, 2);
    assert.equal(types.filter((t: string) => t === 'order.placed').length, 1);
  });

  it('names who caused each status change, capture and refund, the staff refund included', async () => {
    const data = await gql(
      tokens.staff,
      'query($id: ID!) { order(id: $id) { timeline { type actor { kind id name } } } }',
      { id: orderId },
    );
    const steps = data['order'].timeline
      .filter((event: { type: string }) =>
        ['order.status_changed', 'payment.captured', 'refund.issued'].includes(event.type),
      )
      .map((event: { type: string; actor: unknown }) => [event.type, event.actor]);
    const picker = { kind: 'WAREHOUSE', id: 'picker-1', name: 'Pat Picker' };
    assert.deepEqual(steps, [
      // picking starts the order's processing; each parcel shipped captures its share
      ['order.status_changed', picker],
      ['order.status_changed', picker],
      ['payment.captured', picker],
      ['order.status_changed', picker],
      ['payment.captured', picker],
      // the last carrier's delivery scan delivers the order
      ['order.status_changed', { kind: 'CARRIER', id: 'ogx', name: 'ogx' }],
      // received by the warehouse, refunded by staff
      ['order.status_changed', picker],
      ['refund.issued', { kind: 'STAFF', id: 'staff-1', name: 'Sam Staff' }],
    ]);
  });
});
