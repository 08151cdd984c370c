import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Viewer } from '@ordergraph/shared';
import { viewers } from '@ordergraph/shared/testing';
import { startJourney, type Journey } from './journey.js';
import { GRACE } from './support.js';
import { ADDRESS, EAST, MUG, newKey, TEE, WEST } from './testbed.js';

let journey: Journey;
before(async () => {
  journey = await startJourney();
  await journey.receive(TEE, EAST, 10);
  await journey.receive(MUG, WEST, 10);
});
after(() => journey.stop());

const grace = viewers.customer(GRACE);
const warehouse = viewers.warehouse();
const ups = viewers.carrier('ups');

const ORDER = `query($id: ID!) { order(id: $id) { status paymentStatus allowedActions
  total { amount } capturedTotal { amount } timeline { type message } } }`;
const CANCEL = `mutation($input: CancelOrderInput!) { cancelOrder(input: $input) { __typename
  ... on OrderNotCancellableError { message status } } }`;

async function order(id: string, viewer: Viewer = grace) {
  const response = await journey.call(journey.orders, ORDER, { id }, viewer);
  assert.equal(response.errors, undefined);
  return response.data?.order;
}

async function warehouseStep(field: string, shipmentId: string, extra = {}) {
  const input = { shipmentId, idempotencyKey: newKey(field), ...extra };
  const response = await journey.call(
    journey.shipments,
    `mutation($input: ${field === 'shipShipment' ? 'ShipShipmentInput' : 'ShipmentActionInput'}!) {
      ${field}(input: $input) { __typename } }`,
    { input },
    warehouse,
  );
  assert.equal(response.data?.[field]?.__typename, 'ShipmentSuccess', JSON.stringify(response));
  await journey.settle();
}

async function carrierReports(trackingNumber: string, status: string, location: string | null) {
  const response = await journey.call(
    journey.shipments,
    `mutation($input: RecordTrackingEventInput!) { recordTrackingEvent(input: $input) { __typename } }`,
    {
      input: {
        carrierCode: 'ups',
        trackingNumber,
        status,
        description: status.toLowerCase(),
        location,
        occurredAt: new Date().toISOString(),
        idempotencyKey: newKey('tracking'),
      },
    },
    ups,
  );
  assert.equal(
    response.data?.recordTrackingEvent?.__typename,
    'ShipmentSuccess',
    JSON.stringify(response),
  );
  await journey.settle();
}

describe('an order split across two warehouses, from placement to delivery', () => {
  it('ships, captures per shipment, follows the carriers and ends delivered', async () => {
    const placed = await journey.call(
      journey.orders,
      `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) {
        __typename ... on PlaceOrderSuccess { order { id number total { amount }
          subtotal { amount } lines { total { amount } } } } } }`,
      {
        input: {
          idempotencyKey: newKey(),
          lines: [
            { sku: TEE, quantity: 2 },
            { sku: MUG, quantity: 1 },
          ],
          shippingAddress: ADDRESS,
          payment: { token: 'tok_visa' },
        },
      },
      grace,
    );
    const { id, number, total, subtotal, lines } = placed.data!.placeOrder.order;
    const minor = (money: { amount: string }) => Number(money.amount.replace('.', ''));
    await journey.settle();
    const shipments = await journey.shipmentsOf(id);
    assert.deepEqual([shipments[EAST]?.status, shipments[WEST]?.status], ['PENDING', 'PENDING']);
    assert.deepEqual(await order(id), {
      status: 'CONFIRMED',
      paymentStatus: 'AUTHORIZED',
      allowedActions: ['CANCEL'],
      total,
      capturedTotal: { amount: '0.00' },
      timeline: [
        { type: 'order.placed', message: `Order ${number} placed` },
        { type: 'payment.authorized', message: `Payment of ${total.amount} USD authorized` },
        { type: 'shipment.updated', message: 'Shipment from EAST is being prepared' },
        { type: 'shipment.updated', message: 'Shipment from WEST is being prepared' },
      ],
    });

    const east = shipments[EAST]!.id;
    const west = shipments[WEST]!.id;
    await warehouseStep('startPicking', east);
    assert.deepEqual((await order(id)).allowedActions, []);
    assert.deepEqual((await order(id, viewers.staff())).allowedActions, ['CANCEL']);
    await warehouseStep('markPacked', east);
    await warehouseStep('shipShipment', east, {
      carrierCode: 'ups',
      trackingNumber: '1Z999AA10123456784',
    });
    const halfway = await order(id);
    assert.deepEqual(
      [halfway.status, halfway.paymentStatus, halfway.allowedActions],
      ['PARTIALLY_SHIPPED', 'AUTHORIZED', []],
    );
    // the tees' share of the total: their part of the goods, rounded half up
    const eastShare = Math.round((minor(lines[0].total) * minor(total)) / minor(subtotal));
    assert.equal(halfway.capturedTotal.amount, (eastShare / 100).toFixed(2));

    // once something has shipped, neither the customer nor staff can cancel
    for (const viewer of [grace, viewers.staff()]) {
      const refused = await journey.call(
        journey.orders,
        CANCEL,
        { input: { orderId: id, idempotencyKey: newKey('cancel') } },
        viewer,
      );
      assert.deepEqual(refused.data?.cancelOrder, {
        __typename: 'OrderNotCancellableError',
        message: 'An order that is partially shipped cannot be cancelled.',
        status: 'PARTIALLY_SHIPPED',
      });
    }

    await warehouseStep('startPicking', west);
    await warehouseStep('markPacked', west);
    await warehouseStep('shipShipment', west, { carrierCode: 'ups' });
    const westTracking = (await journey.shipmentsOf(id))[WEST]!.trackingNumber!;
    const shipped = await order(id);
    assert.deepEqual(
      [shipped.status, shipped.paymentStatus, shipped.capturedTotal],
      ['SHIPPED', 'CAPTURED', total],
    );

    await carrierReports('1Z999AA10123456784', 'IN_TRANSIT', 'Memphis, TN');
    await carrierReports('1Z999AA10123456784', 'OUT_FOR_DELIVERY', null);
    await carrierReports('1Z999AA10123456784', 'DELIVERED', null);
    await carrierReports('1Z999AA10123456784', 'DELIVERED', null); // a duplicate: no step
    assert.equal((await order(id)).status, 'SHIPPED');
    await carrierReports(westTracking, 'DELIVERED', 'Reno, NV');

    const westShare = minor(total) - eastShare;
    const money = (minor: number) => `${(minor / 100).toFixed(2)} USD`;
    const step = (message: string) => ({ type: 'shipment.updated', message });
    const moved = (to: string) => ({ type: 'order.status_changed', message: `Order is now ${to}` });
    assert.deepEqual(await order(id), {
      status: 'DELIVERED',
      paymentStatus: 'CAPTURED',
      allowedActions: ['REQUEST_RETURN'],
      total,
      capturedTotal: total,
      timeline: [
        { type: 'order.placed', message: `Order ${number} placed` },
        { type: 'payment.authorized', message: `Payment of ${total.amount} USD authorized` },
        step('Shipment from EAST is being prepared'),
        step('Shipment from WEST is being prepared'),
        step('Shipment from EAST is being picked'),
        moved('processing'),
        step('Shipment from EAST is packed'),
        step('Shipment from EAST shipped with UPS, tracking 1Z999AA10123456784'),
        moved('partially shipped'),
        { type: 'payment.captured', message: `Payment of ${money(eastShare)} captured` },
        step('Shipment from WEST is being picked'),
        step('Shipment from WEST is packed'),
        step(`Shipment from WEST shipped with UPS, tracking ${westTracking}`),
        moved('shipped'),
        { type: 'payment.captured', message: `Payment of ${money(westShare)} captured` },
        step('In transit (Memphis, TN)'),
        step('Out for delivery'),
        step('Delivered'),
        step('Delivered (Reno, NV)'),
        moved('delivered'),
      ],
    });
    // shipped stock left the warehouses: 10 received, 2 tees and 1 mug sold
    assert.deepEqual(await journey.stock(TEE), [
      { warehouse: { id: EAST }, onHand: 8, reserved: 0, available: 8 },
    ]);
    assert.deepEqual(await journey.stock(MUG), [
      { warehouse: { id: WEST }, onHand: 9, reserved: 0, available: 9 },
    ]);
  });
});
