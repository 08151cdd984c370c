import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ordersEvents, shipmentsEvents } from '@ordergraph/shared';
import { eventsOffContract, viewers } from '@ordergraph/shared/testing';
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
const ups = viewers.carrier('ups');
const minor = (money: { amount: string }) => Math.round(Number(money.amount) * 100);

const DOCUMENTS = `query($id: ID!) { order(id: $id) { total { amount }
  invoices { id number total { amount currencyCode } subtotal { amount } discountTotal { amount }
    shippingTotal { amount } taxTotal { amount } taxLabel paymentReference pdfUrl
    seller { name addressLines } buyer { name addressLines }
    lines { description variant { sku } quantity unitPrice { amount } discount { amount }
      net { amount } taxRate taxAmount { amount } total { amount } } }
  creditNotes { number invoice { number } total { amount } netTotal { amount } taxTotal { amount }
    reason lines { description quantity total { amount } } } } }`;

async function documents(id: string, viewer = grace) {
  const response = await journey.call(journey.orders, DOCUMENTS, { id }, viewer);
  assert.equal(response.errors, undefined, JSON.stringify(response.errors));
  return response.data!.order;
}

async function shipmentStep(field: string, shipmentId: string, extra = {}) {
  const input = { shipmentId, idempotencyKey: newKey(field), ...extra };
  const response = await journey.call(
    journey.shipments,
    `mutation($input: ${field === 'shipShipment' ? 'ShipShipmentInput' : 'ShipmentActionInput'}!) {
      ${field}(input: $input) { __typename } }`,
    { input },
    viewers.warehouse(),
  );
  assert.equal(response.data?.[field]?.__typename, 'ShipmentSuccess', JSON.stringify(response));
}

async function shipAndDeliver(shipmentId: string, trackingNumber: string) {
  await shipmentStep('startPicking', shipmentId);
  await shipmentStep('markPacked', shipmentId);
  await shipmentStep('shipShipment', shipmentId, { carrierCode: 'ups', trackingNumber });
  await journey.settle();
  const delivered = await journey.call(
    journey.shipments,
    `mutation($input: RecordTrackingEventInput!) { recordTrackingEvent(input: $input) { __typename } }`,
    {
      input: {
        carrierCode: 'ups',
        trackingNumber,
        status: 'DELIVERED',
        description: 'delivered',
        occurredAt: new Date().toISOString(),
        idempotencyKey: newKey('tracking'),
      },
    },
    ups,
  );
  assert.equal(delivered.data?.recordTrackingEvent.__typename, 'ShipmentSuccess');
  await journey.settle();
}

async function returnAndRefund(
  orderId: string,
  lines: { orderLineId: string; quantity: number }[],
) {
  const call = (query: string, input: Record<string, unknown>, viewer = viewers.staff()) =>
    journey.call(
      journey.orders,
      query,
      { input: { idempotencyKey: newKey('r'), ...input } },
      viewer,
    );
  const requested = await call(
    `mutation($input: RequestReturnInput!) { requestReturn(input: $input) { __typename
      ... on RequestReturnSuccess { return { id } } } }`,
    { orderId, lines, reason: 'Too small' },
    grace,
  );
  const returnId = requested.data?.requestReturn.return.id;
  assert.ok(returnId, JSON.stringify(requested));
  await call(
    `mutation($input: ApproveReturnInput!) { approveReturn(input: $input) { __typename } }`,
    { returnId },
  );
  await call(
    `mutation($input: ReceiveReturnInput!) { receiveReturn(input: $input) { __typename } }`,
    {
      returnId,
      lines: lines.map((line) => ({ orderLineId: line.orderLineId, disposition: 'WRITE_OFF' })),
    },
  );
  const refunded = await call(
    `mutation($input: RefundReturnInput!) { refundReturn(input: $input) { __typename
      ... on RefundReturnSuccess { amount { amount } } } }`,
    { returnId },
  );
  assert.equal(
    refunded.data?.refundReturn.__typename,
    'RefundReturnSuccess',
    JSON.stringify(refunded),
  );
  await journey.settle();
  return minor(refunded.data!.refundReturn.amount);
}

describe('invoices and credit notes of an order, through the real services', () => {
  it('invoices each captured shipment and credits a refund against the invoices it paid back', async () => {
    const placed = await journey.call(
      journey.orders,
      `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) {
        __typename ... on PlaceOrderSuccess { order { id lines { id variant { sku } } } } } }`,
      {
        input: {
          idempotencyKey: newKey(),
          lines: [
            { sku: TEE, quantity: 2 },
            { sku: MUG, quantity: 1 },
          ],
          shippingAddress: ADDRESS,
          payment: { token: 'tok_visa' },
          promoCode: 'WELCOME10',
        },
      },
      grace,
    );
    const { id, lines } = placed.data!.placeOrder.order;
    await journey.settle();
    assert.deepEqual((await documents(id)).invoices, []);

    const shipments = await journey.shipmentsOf(id);
    await shipAndDeliver(shipments[EAST]!.id, '1Z999AA10000000001');
    const first = await documents(id);
    assert.equal(first.invoices.length, 1);
    const [tees] = first.invoices;
    assert.match(tees.number, /^INV-\d{4}-\d{6}$/);
    assert.deepEqual(
      tees.lines.map((line: { description: string; quantity: number }) => [
        line.description,
        line.quantity,
      ]),
      [
        [TEE, 2],
        ['Shipping', 1],
      ],
    );
    assert.equal(tees.taxLabel, 'Sales tax');
    assert.equal(tees.buyer.name, ADDRESS.name);
    assert.equal(tees.pdfUrl, `/documents/invoices/${tees.id}.pdf`);
    // the invoice adds up, line by line and in total
    const sum = (values: { amount: string }[]) =>
      values.reduce((total, value) => total + minor(value), 0);
    assert.equal(
      sum(tees.lines.map((line: { total: { amount: string } }) => line.total)),
      minor(tees.total),
    );
    assert.equal(
      minor(tees.subtotal) -
        minor(tees.discountTotal) +
        minor(tees.shippingTotal) +
        minor(tees.taxTotal),
      minor(tees.total),
    );

    await shipAndDeliver(shipments[WEST]!.id, '1Z999AA10000000002');
    const both = await documents(id);
    assert.equal(both.invoices.length, 2);
    const [, mugs] = both.invoices;
    // consecutive numbers in the series
    assert.equal(Number(mugs.number.slice(-6)), Number(tees.number.slice(-6)) + 1);
    // every capture invoiced: the invoices come to the order total, to the cent
    assert.equal(minor(tees.total) + minor(mugs.total), minor(both.total));

    const teeLine = lines.find((line: { variant: { sku: string } }) => line.variant.sku === TEE).id;
    const mugLine = lines.find((line: { variant: { sku: string } }) => line.variant.sku === MUG).id;
    const refunded = await returnAndRefund(id, [
      { orderLineId: teeLine, quantity: 1 },
      { orderLineId: mugLine, quantity: 1 },
    ]);
    const credited = await documents(id);
    // one credit note per invoice whose capture the refund paid back
    const corrected = credited.creditNotes.map(
      (note: { invoice: { number: string } }) => note.invoice.number,
    );
    assert.ok(corrected.length >= 1);
    assert.deepEqual(
      corrected.filter((number: string) => ![tees.number, mugs.number].includes(number)),
      [],
    );
    assert.equal(new Set(corrected).size, corrected.length);
    assert.equal(
      sum(credited.creditNotes.map((note: { total: { amount: string } }) => note.total)),
      refunded,
    );
    for (const note of credited.creditNotes) {
      assert.match(note.number, /^CN-\d{4}-\d{6}$/);
      assert.equal(minor(note.netTotal) + minor(note.taxTotal), minor(note.total));
      assert.equal(note.reason, 'Return: Too small');
    }
    // invoices minus credit notes: what was captured minus what was refunded
    assert.equal(
      sum(credited.invoices.map((invoice: { total: { amount: string } }) => invoice.total)) -
        sum(credited.creditNotes.map((note: { total: { amount: string } }) => note.total)),
      minor(credited.total) - refunded,
    );
  });

  it('shows the documents to the customer and staff, not to the warehouse', async () => {
    const placed = await journey.call(
      journey.orders,
      `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) {
        ... on PlaceOrderSuccess { order { id } } } }`,
      {
        input: {
          idempotencyKey: newKey(),
          lines: [{ sku: TEE, quantity: 1 }],
          shippingAddress: ADDRESS,
          payment: { token: 'tok_visa' },
        },
      },
      grace,
    );
    const id = placed.data!.placeOrder.order.id;
    await journey.settle();
    await shipAndDeliver((await journey.shipmentsOf(id))[EAST]!.id, '1Z999AA10000000003');
    const [invoice] = (await documents(id, viewers.staff())).invoices;
    const INVOICE = `query($id: ID!) { invoice(id: $id) { number } }`;
    const asGrace = await journey.call(journey.orders, INVOICE, { id: invoice.id }, grace);
    assert.deepEqual(asGrace.data, { invoice: { number: invoice.number } });
    const asOther = await journey.call(
      journey.orders,
      INVOICE,
      { id: invoice.id },
      viewers.customer('00000000-0000-4000-8000-00000000dead'),
    );
    assert.equal(asOther.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    const asWarehouse = await journey.call(
      journey.orders,
      `query($id: ID!) { order(id: $id) { invoices { number } } }`,
      { id },
      viewers.warehouse(),
    );
    assert.equal(asWarehouse.errors?.[0]?.extensions?.code, 'FORBIDDEN');
  });

  it('logs every event of orders and shipments as their contracts say', async () => {
    await journey.settle();
    assert.deepEqual(await eventsOffContract(journey.orders.handle.db, ordersEvents), []);
    assert.deepEqual(await eventsOffContract(journey.shipments.handle.db, shipmentsEvents), []);
  });
});
