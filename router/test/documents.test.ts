import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { ADA, GRACE, placeOrder, receiveStock, TEE } from './support/fixtures.js';
import { startStack, type Stack } from './support/stack.js';

// invoices in the graph and their PDFs at the router, for the order's customer and staff only

let stack: Stack;
let tokens: Record<'grace' | 'ada' | 'staff' | 'warehouse', string>;
let orderId: string;
before(async () => {
  stack = await startStack();
  tokens = {
    grace: await stack.token(GRACE, ['customer']),
    ada: await stack.token(ADA, ['customer']),
    staff: await stack.token('staff-1', ['staff']),
    warehouse: await stack.token('picker-1', ['warehouse']),
  };
  await receiveStock(stack, { sku: TEE, warehouseId: 'wh-east', quantity: 2 });
  const placed = await placeOrder(stack, { customerId: GRACE, lines: [{ sku: TEE, quantity: 2 }] });
  orderId = placed['order'].id;
  await stack.settle();
  const shipments = await stack.request({
    token: tokens.staff,
    query: `query($id: ID!) { order(id: $id) { shipments { id } } }`,
    variables: { id: orderId },
  });
  const [{ id: shipmentId }] = shipments.data!['order'].shipments;
  let key = 0;
  for (const [field, input] of [
    ['startPicking', 'ShipmentActionInput'],
    ['markPacked', 'ShipmentActionInput'],
    ['shipShipment', 'ShipShipmentInput'],
  ] as const) {
    const response = await stack.request({
      token: tokens.warehouse,
      query: `mutation($input: ${input}!) { ${field}(input: $input) { __typename } }`,
      variables: {
        input: {
          shipmentId,
          idempotencyKey: `documents-${++key}`,
          ...(field === 'shipShipment' ? { carrierCode: 'ups' } : {}),
        },
      },
    });
    assert.equal(response.data?.[field].__typename, 'ShipmentSuccess', JSON.stringify(response));
  }
  await stack.settle();
});
after(() => stack.stop());

const INVOICES = `query($id: ID!) { order(id: $id) { total { amount }
  invoices { id number total { amount } pdfUrl } } }`;

const routerBase = () => new URL(stack.routerUrl).origin;
const fetchPdf = (path: string, token?: string) =>
  fetch(`${routerBase()}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

async function pdfText(bytes: ArrayBuffer) {
  const document = await getDocument({ data: new Uint8Array(bytes) }).promise;
  const page = await document.getPage(1);
  const text = (await page.getTextContent()).items.map((item) => ('str' in item ? item.str : ''));
  await document.destroy();
  return text.join(' ');
}

describe('invoices through the router', () => {
  it('shows the order the invoice of its captured shipment, to its customer and staff', async () => {
    const asGrace = await stack.request({
      token: tokens.grace,
      query: INVOICES,
      variables: { id: orderId },
    });
    assert.equal(asGrace.errors, undefined, JSON.stringify(asGrace.errors));
    const { total, invoices } = asGrace.data!['order'];
    assert.equal(invoices.length, 1);
    assert.match(invoices[0].number, /^INV-\d{4}-\d{6}$/);
    assert.deepEqual(invoices[0].total, total);

    const asStaff = await stack.request({
      token: tokens.staff,
      query: `query($number: String!) { invoices(filter: { number: $number }) { nodes { id } } }`,
      variables: { number: invoices[0].number },
    });
    assert.deepEqual(asStaff.data?.['invoices'], { nodes: [{ id: invoices[0].id }] });
  });

  it('refuses the invoices to the warehouse and the staff listing to customers, at the router', async () => {
    const asWarehouse = await stack.request({
      token: tokens.warehouse,
      query: INVOICES,
      variables: { id: orderId },
    });
    assert.equal(asWarehouse.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');
    const listing = await stack.request({
      token: tokens.grace,
      query: `{ invoices { nodes { id } } }`,
    });
    assert.equal(listing.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');
    const tooLong = await stack.request({
      token: tokens.staff,
      query: `{ invoices(filter: { issuedFrom: "2020-01-01T00:00:00Z", issuedTo: "2024-01-01T00:00:00Z" }) { nodes { id } } }`,
    });
    assert.equal(tooLong.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
    const unknownSeries = await stack.request({
      token: tokens.staff,
      query: `{ invoices(filter: { number: "XYZ-2026-000001" }) { nodes { id } } }`,
    });
    assert.equal(unknownSeries.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
  });

  it('serves the PDF at pdfUrl to the customer and staff, and to nobody else', async () => {
    const asGrace = await stack.request({
      token: tokens.grace,
      query: INVOICES,
      variables: { id: orderId },
    });
    const [invoice] = asGrace.data!['order'].invoices;
    for (const token of [tokens.grace, tokens.staff]) {
      const response = await fetchPdf(invoice.pdfUrl, token);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'application/pdf');
      assert.equal(response.headers.get('cache-control'), 'private, no-store');
      const text = await pdfText(await response.arrayBuffer());
      assert.ok(text.includes(invoice.number), text);
      assert.ok(text.includes(`${invoice.total.amount} USD`), text);
    }
    assert.equal((await fetchPdf(invoice.pdfUrl)).status, 401);
    assert.equal((await fetchPdf(invoice.pdfUrl, tokens.ada)).status, 403);
    assert.equal((await fetchPdf(invoice.pdfUrl, tokens.warehouse)).status, 403);
    const unknown = invoice.pdfUrl.replace(invoice.id, '00000000-0000-4000-8000-00000000f00d');
    assert.equal((await fetchPdf(unknown, tokens.staff)).status, 404);
    assert.equal((await fetchPdf('/documents/invoices/nothing.pdf', tokens.staff)).status, 404);
  });
});
