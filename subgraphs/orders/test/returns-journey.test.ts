import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { subgraphRequest, viewers } from '@ordergraph/shared/testing';
import {
  APPROVE_RETURN,
  deliverOrder,
  key,
  RECEIVE_RETURN,
  refundedByProvider,
  REFUND_RETURN,
  REQUEST_RETURN,
  usd,
} from './returns-support.js';
import { GRACE } from './support.js';
import { EAST, MUG, startTestbed, TEE, WEST, type Testbed } from './testbed.js';

let testbed: Testbed;
before(async () => {
  testbed = await startTestbed();
  await testbed.receive(TEE, EAST, 20);
  await testbed.receive(MUG, WEST, 10);
});
after(() => testbed.stop());

const grace = viewers.customer(GRACE);
const input = (fields: Record<string, unknown>) => ({
  variables: { input: { idempotencyKey: key(), ...fields } },
});

const ORDER = `query($id: ID!) { order(id: $id) { status paymentStatus
  returns { status lines { quantity disposition restockWarehouseId } refundedAmount { amount } }
  timeline { type message } } }`;

describe('the return of a delivered order, end to end', () => {
  it('returns part of an order: requested, approved, restocked or written off, refunded', async () => {
    const placed = await testbed.place(
      {
        lines: [
          { sku: TEE, quantity: 2 },
          { sku: MUG, quantity: 1 },
        ],
        promoCode: 'WELCOME10',
      },
      grace,
    );
    const order = placed.data?.placeOrder.order;
    assert.equal(order?.status, 'CONFIRMED', JSON.stringify(placed));
    // the tees leave from the east, the mug from the west, and both arrive
    const { lines } = await deliverOrder(testbed.orders.handle, order.id, {
      shipments: ([tee, mug]) => [
        [{ orderLineId: tee!.id, quantity: 2 }],
        [{ orderLineId: mug!.id, quantity: 1 }],
      ],
    });
    const [tee, mug] = lines;
    // the reservation stays: no shipment ran through the shipments and inventory services here
    assert.deepEqual(await testbed.stock(TEE), { available: 18, reserved: 2 });

    const requested = await testbed.request(REQUEST_RETURN, {
      viewer: grace,
      ...input({
        orderId: order.id,
        lines: [
          { orderLineId: tee!.id, quantity: 1 },
          { orderLineId: mug!.id, quantity: 1 },
        ],
        reason: 'Ordered the wrong size',
      }),
    });
    const created = requested.data?.requestReturn.return;
    // subtotal 53.80, 10 % off: 5.38, shipping 4.99, 7.25 % tax on 48.42 + 4.99: 3.87.
    // a tee: 19.90 - 1.99 discount + 1.30 tax (3.87 * 17.91 / 53.41); a mug: 14.00 - 1.40 + 0.91
    assert.deepEqual(
      [order.discountTotal, order.shippingTotal, order.taxTotal, order.total],
      [usd('5.38'), usd('4.99'), usd('3.87'), usd('57.28')],
    );
    const [teeValue, mugValue] = [1921, 1351];
    assert.deepEqual(
      created.lines.map((line: { amount: unknown }) => line.amount),
      [usd(cents(teeValue)), usd(cents(mugValue))],
    );

    const approved = await testbed.request(APPROVE_RETURN, {
      viewer: viewers.staff(),
      ...input({ returnId: created.id }),
    });
    assert.equal(approved.data?.approveReturn.__typename, 'ApproveReturnSuccess');

    const nowhere = await testbed.request(RECEIVE_RETURN, {
      viewer: viewers.warehouse(),
      ...input({
        returnId: created.id,
        lines: [
          { orderLineId: tee!.id, disposition: 'RESTOCK', warehouseId: 'wh-nowhere' },
          { orderLineId: mug!.id, disposition: 'WRITE_OFF' },
        ],
      }),
    });
    assert.deepEqual(nowhere.data?.receiveReturn, {
      __typename: 'InvalidInputError',
      message: 'No warehouse has this id.',
      field: 'lines.0.warehouseId',
    });
    // a warehouse out of service takes no returned units: staff are told which line to move
    const closed = await subgraphRequest(testbed.inventory.url, {
      query: `mutation($input: CreateWarehouseInput!) { createWarehouse(input: $input) {
        ... on CreateWarehouseSuccess { warehouse { id } } } }`,
      viewer: viewers.staff(),
      variables: {
        input: {
          code: 'CLOSED',
          name: 'Closed',
          address: { line1: '9 Mill Lane', city: 'Akron', postalCode: '44308', country: 'US' },
          active: false,
          idempotencyKey: key(),
        },
      },
    });
    assert.deepEqual(closed.data?.createWarehouse, { warehouse: { id: 'wh-closed' } });
    const inactive = await testbed.request(RECEIVE_RETURN, {
      viewer: viewers.warehouse(),
      ...input({
        returnId: created.id,
        lines: [
          { orderLineId: tee!.id, disposition: 'RESTOCK', warehouseId: 'wh-closed' },
          { orderLineId: mug!.id, disposition: 'WRITE_OFF' },
        ],
      }),
    });
    assert.deepEqual(inactive.data?.receiveReturn, {
      __typename: 'InvalidInputError',
      message:
        'Warehouse CLOSED is inactive: it takes no returned units. Choose an active warehouse.',
      field: 'lines.0.warehouseId',
    });
    assert.deepEqual(await testbed.stock(TEE), { available: 18, reserved: 2 });

    const received = await testbed.request(RECEIVE_RETURN, {
      viewer: viewers.warehouse(),
      ...input({
        returnId: created.id,
        lines: [
          { orderLineId: tee!.id, disposition: 'RESTOCK', warehouseId: EAST },
          { orderLineId: mug!.id, disposition: 'WRITE_OFF' },
        ],
      }),
    });
    assert.equal(received.data?.receiveReturn.__typename, 'ReceiveReturnSuccess');
    // the restocked tee is sellable again; the written-off mug is not
    assert.deepEqual(await testbed.stock(TEE), { available: 19, reserved: 2 });
    assert.deepEqual(await testbed.stock(MUG), { available: 9, reserved: 1 });

    const refunded = await testbed.request(REFUND_RETURN, {
      viewer: viewers.staff(),
      ...input({ returnId: created.id }),
    });
    assert.deepEqual(refunded.data?.refundReturn.amount, usd(cents(teeValue + mugValue)));
    assert.equal(await refundedByProvider(testbed.orders.handle, order), teeValue + mugValue);

    const after = await testbed.request(ORDER, { viewer: grace, variables: { id: order.id } });
    assert.deepEqual(after.data?.order.status, 'PARTIALLY_RETURNED');
    assert.deepEqual(after.data?.order.paymentStatus, 'PARTIALLY_REFUNDED');
    assert.deepEqual(after.data?.order.returns, [
      {
        status: 'REFUNDED',
        lines: [
          { quantity: 1, disposition: 'RESTOCK', restockWarehouseId: EAST },
          { quantity: 1, disposition: 'WRITE_OFF', restockWarehouseId: null },
        ],
        refundedAmount: { amount: cents(teeValue + mugValue) },
      },
    ]);
    assert.deepEqual(after.data?.order.timeline.slice(-5), [
      { type: 'return.requested', message: 'Return requested' },
      { type: 'return.approved', message: 'Return approved' },
      { type: 'return.received', message: 'Returned items received' },
      { type: 'order.status_changed', message: 'Order is now partially returned' },
      {
        type: 'refund.issued',
        message: `Refund of ${cents(teeValue + mugValue)} USD issued`,
      },
    ]);
  });
});

function cents(minor: number): string {
  return `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;
}
