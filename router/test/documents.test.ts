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
  const { signToken } = await import('../src/auth.js');
  const { JWT_SECRET } = await import('./support/stack.js');
  const ups = await signToken({
    secret: JWT_SECRET,
    subject: 'carrier-ups',
    roles: ['carrier'],
    carrierCode: 'ups',
  });
  const tracking = await stack.request({
    token: tokens.staff,
    query: `query($id: ID!) { order(id: $id) { shipments { trackingNumber } } }`,
    variables: { id: orderId },
  });
  const delivered = await stack.request({
    token: ups,
    query: `mutation($input: RecordTrackingEventInput!) { recordTrackingEvent(input: $input) { __typename } }`,
    variables: {
      input: {
        carrierCode: 'ups',
        trackingNumber: tracking.data!['order'].shipments[0].trackingNumber,
        status: 'DELIVERED',
        description: 'delivered',
        occurredAt: new Date().toISOString(),
        idempotencyKey: 'documents-delivered',
      },
    },
  });
  assert.equal(delivered.data?.['recordTrackingEvent'].__typename, 'ShipmentSuccess');
  await stack.settle();
});
after(() => stack.stop());

const INVOICES = `query($id: ID!) { order(id: $id) { total { amount }
  invoices { id number total { amount } pdfUrl } } }`;

const routerBase = () => new URL(stack.routerUrl).origin;
const minor = (money: { amount: string }) => Math.round(Number(money.amount) * 100);
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

  it('credits a refund with a credit note against the invoice, with its own PDF', async () => {
    const { data } = await stack.request({
      token: tokens.grace,
      query: `query($id: ID!) { order(id: $id) { lines { id } } }`,
      variables: { id: orderId },
    });
    const lineId = data!['order'].lines[0].id;
    let key = 0;
    const act = async (token: string, field: string, input: Record<string, unknown>) => {
      const type = `${field[0]!.toUpperCase()}${field.slice(1)}Input`;
      const response = await stack.request({
        token,
        query: `mutation($input: ${type}!) { ${field}(input: $input) { __typename
          ${field === 'requestReturn' ? '... on RequestReturnSuccess { return { id } }' : ''} } }`,
        variables: { input: { ...input, idempotencyKey: `documents-return-${++key}` } },
      });
      assert.match(response.data?.[field].__typename, /Success$/, JSON.stringify(response));
      return response.data![field];
    };
    const requested = await act(tokens.grace, 'requestReturn', {
      orderId,
      lines: [{ orderLineId: lineId, quantity: 1 }],
      reason: 'Too small',
    });
    const returnId = requested.return.id;
    await act(tokens.staff, 'approveReturn', { returnId });
    await act(tokens.warehouse, 'receiveReturn', {
      returnId,
      lines: [{ orderLineId: lineId, disposition: 'WRITE_OFF' }],
    });
    await act(tokens.staff, 'refundReturn', { returnId });
    await stack.settle();

    const documents = await stack.request({
      token: tokens.grace,
      query: `query($id: ID!) { order(id: $id) { invoices { number total { amount } }
        creditNotes { id number invoice { number } total { amount } pdfUrl } } }`,
      variables: { id: orderId },
    });
    const { invoices, creditNotes } = documents.data!['order'];
    assert.equal(creditNotes.length, 1);
    const [note] = creditNotes;
    assert.match(note.number, /^CN-\d{4}-\d{6}$/);
    assert.equal(note.invoice.number, invoices[0].number);
    const response = await fetchPdf(note.pdfUrl, tokens.grace);
    assert.equal(response.status, 200);
    const text = await pdfText(await response.arrayBuffer());
    assert.ok(text.includes(note.number) && text.includes(invoices[0].number), text);
    assert.equal((await fetchPdf(note.pdfUrl, tokens.ada)).status, 403);
  });

  it('exports the ledger: one balanced journal entry set per invoice, credit note, capture and refund', async () => {
    const EXPORT = `mutation($input: ExportLedgerInput!) { exportLedger(input: $input) { __typename
      ... on ExportLedgerSuccess { job { id } }
      ... on InvalidInputError { message field } } }`;
    const start = (input: Record<string, unknown>) =>
      stack.request({
        token: tokens.staff,
        query: EXPORT,
        variables: {
          input: { format: 'CSV', idempotencyKey: `ledger-${Math.random()}`, ...input },
        },
      });
    const from = new Date(Date.now() - 86_400_000).toISOString();
    const to = new Date(Date.now() + 86_400_000).toISOString();

    const tooLong = await start({ from: '2020-01-01T00:00:00Z', to: '2023-01-02T00:00:00Z' });
    assert.deepEqual(tooLong.data?.['exportLedger'], {
      __typename: 'InvalidInputError',
      message: 'A range may span at most 3 years.',
      field: 'to',
    });
    const unknownSeries = await start({ from, to, series: ['INV', 'XYZ'] });
    assert.deepEqual(unknownSeries.data?.['exportLedger'], {
      __typename: 'InvalidInputError',
      message: '"XYZ" is not a series of this service (INV, CN).',
      field: 'series.1',
    });
    const asCustomer = await stack.request({
      token: tokens.grace,
      query: EXPORT,
      variables: { input: { from, to, format: 'CSV', idempotencyKey: 'ledger-customer' } },
    });
    assert.equal(asCustomer.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');

    const started = await start({ from, to });
    const jobId = started.data?.['exportLedger'].job.id;
    assert.ok(jobId, JSON.stringify(started));
    await stack.subgraphs.orders.server.exportRunner.settled();
    const job = await stack.request({
      token: tokens.staff,
      query: `query($id: ID!) { exportJob(id: $id) { status rowCount progress downloadUrl } }`,
      variables: { id: jobId },
    });
    const { status, rowCount, progress, downloadUrl } = job.data!['exportJob'];
    assert.deepEqual([status, progress], ['SUCCEEDED', 1]);
    const file = await fetch(new URL(downloadUrl, stack.routerUrl), {
      headers: { authorization: `Bearer ${tokens.staff}` },
    });
    assert.equal(file.status, 200);
    const [header, ...lines] = (await file.text()).trimEnd().split('\r\n');
    assert.equal(
      header,
      'date,document_type,document_number,order_number,account,debit,credit,currency',
    );
    assert.equal(lines.length, rowCount);
    const entries = lines.map((line) => {
      const [date, type, number, order, account, debit, credit, currency] = line.split(',');
      return { date, type, number, order, account, debit, credit, currency };
    });
    // every document balances: its debits equal its credits, to the cent
    const byDocument = new Map<string, { debit: number; credit: number }>();
    for (const entry of entries) {
      const sums = byDocument.get(`${entry.type} ${entry.number}`) ?? { debit: 0, credit: 0 };
      sums.debit += entry.debit ? minor({ amount: entry.debit }) : 0;
      sums.credit += entry.credit ? minor({ amount: entry.credit }) : 0;
      byDocument.set(`${entry.type} ${entry.number}`, sums);
    }
    for (const [document, { debit, credit }] of byDocument) {
      assert.equal(debit, credit, document);
    }
    assert.deepEqual([...new Set(entries.map((entry) => entry.type))].sort(), [
      'CAPTURE',
      'CREDIT_NOTE',
      'INVOICE',
      'REFUND',
    ]);
    // the customer's account at the end: invoiced - paid - credited + refunded = 0
    const receivable = entries
      .filter((entry) => entry.account === '1200 Accounts receivable')
      .reduce(
        (sum, entry) =>
          sum +
          (entry.debit ? minor({ amount: entry.debit }) : 0) -
          (entry.credit ? minor({ amount: entry.credit }) : 0),
        0,
      );
    assert.equal(receivable, 0);
    // cash at the provider: what was captured minus what was refunded
    const documents = await stack.request({
      token: tokens.staff,
      query: `query($id: ID!) { order(id: $id) { invoices { total { amount } }
        creditNotes { total { amount } } } }`,
      variables: { id: orderId },
    });
    const cash = entries
      .filter((entry) => entry.account === '1100 Cash at payment provider')
      .reduce(
        (sum, entry) =>
          sum +
          (entry.debit ? minor({ amount: entry.debit }) : 0) -
          (entry.credit ? minor({ amount: entry.credit }) : 0),
        0,
      );
    const { invoices, creditNotes } = documents.data!['order'];
    assert.equal(
      cash,
      invoices.reduce(
        (sum: number, invoice: { total: { amount: string } }) => sum + minor(invoice.total),
        0,
      ) -
        creditNotes.reduce(
          (sum: number, note: { total: { amount: string } }) => sum + minor(note.total),
          0,
        ),
    );

    const onlyInvoices = await start({ from, to, series: ['INV'] });
    assert.equal(onlyInvoices.data?.['exportLedger'].__typename, 'ExportLedgerSuccess');
    await stack.subgraphs.orders.server.exportRunner.settled();
    const invoiceJob = await stack.request({
      token: tokens.staff,
      query: `query($id: ID!) { exportJob(id: $id) { downloadUrl } }`,
      variables: { id: onlyInvoices.data?.['exportLedger'].job.id },
    });
    const invoiceFile = await fetch(
      new URL(invoiceJob.data!['exportJob'].downloadUrl, stack.routerUrl),
      {
        headers: { authorization: `Bearer ${tokens.staff}` },
      },
    );
    const types = new Set(
      (await invoiceFile.text())
        .trimEnd()
        .split('\r\n')
        .slice(1)
        .map((line) => line.split(',')[1]),
    );
    assert.deepEqual([...types], ['INVOICE']);
  });
});
