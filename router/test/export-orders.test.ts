import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { executeRows, sql } from '@ordergraph/shared';
import { ADA, GRACE, MUG, placeOrder, receiveStock, TEE } from './support/fixtures.js';
import { startStack, type Stack } from './support/stack.js';
import { subscribeOverWebSocket } from './support/subscription-clients.js';

let stack: Stack;
let staff: string;

before(async () => {
  // pages of two rows: the files below are written in several pages, as a large one is
  stack = await startStack({ ordersOptions: { exportPageSize: 2, maxExportRows: 4 } });
  staff = await stack.token('staff-1', ['staff']);
  await receiveStock(stack, { sku: TEE, quantity: 50 });
  await receiveStock(stack, { sku: MUG, quantity: 50 });
  const baskets = [
    { customerId: ADA, lines: [{ sku: TEE, quantity: 1 }] },
    {
      customerId: GRACE,
      lines: [
        { sku: TEE, quantity: 2 },
        { sku: MUG, quantity: 1 },
      ],
    },
    { customerId: ADA, lines: [{ sku: MUG, quantity: 3 }] },
    {
      customerId: ADA,
      lines: [
        { sku: TEE, quantity: 1 },
        { sku: MUG, quantity: 1 },
      ],
    },
    { customerId: GRACE, lines: [{ sku: MUG, quantity: 1 }] },
  ];
  for (const basket of baskets) {
    const placed = await placeOrder(stack, { ...basket, promoCode: undefined });
    assert.equal(placed['__typename'], 'PlaceOrderSuccess', JSON.stringify(placed));
  }
});
after(() => stack?.stop());

const EXPORT = `mutation($input: ExportOrdersInput!) { exportOrders(input: $input) {
  __typename
  ... on ExportOrdersSuccess { job { id status format rowCount progress createdAt downloadUrl } }
  ... on ExportTooLargeError { message limit }
  ... on InvalidInputError { message field } } }`;

const JOB = `query($id: ID!) { exportJob(id: $id) {
  id status format progress rowCount createdAt finishedAt expiresAt downloadUrl error } }`;

/** the orders of a filter as the graph shows them, oldest first: the hand computation's input */
async function ordersOf(filter: Record<string, unknown>) {
  const response = await stack.request({
    token: staff,
    query: `query($filter: OrderFilter) {
      orders(filter: $filter, sort: { field: PLACED_AT, direction: ASC }, first: 100) {
        nodes { number placedAt status paymentStatus customer { id email } currencyCode
          subtotal { amount } discountTotal { amount } shippingTotal { amount }
          taxTotal { amount } total { amount } lines { id } } } }`,
    variables: { filter },
  });
  assert.equal(response.errors, undefined, JSON.stringify(response.errors));
  return response.data!['orders'].nodes as Record<string, any>[];
}

/** each order as an export row, computed from what the graph shows */
const rowOf = (order: Record<string, any>) => ({
  order_number: order['number'],
  placed_at: order['placedAt'],
  status: order['status'],
  payment_status: order['paymentStatus'],
  customer_id: order['customer'].id,
  customer_email: order['customer'].email,
  currency: order['currencyCode'],
  subtotal: order['subtotal'].amount,
  discounts: order['discountTotal'].amount,
  shipping: order['shippingTotal'].amount,
  tax: order['taxTotal'].amount,
  total: order['total'].amount,
  lines_count: order['lines'].length,
});

/** starts an export as staff-1 and waits until the runner has written it */
async function exportAndWait(input: Record<string, unknown>) {
  const started = await stack.request({
    token: staff,
    query: EXPORT,
    variables: { input: { idempotencyKey: `export-${Math.random()}`, ...input } },
  });
  const result = started.data!['exportOrders'];
  assert.equal(result.__typename, 'ExportOrdersSuccess', JSON.stringify(started));
  await stack.subgraphs.orders.server.exportRunner.settled();
  const read = await stack.request({ token: staff, query: JOB, variables: { id: result.job.id } });
  return { started: result.job, job: read.data!['exportJob'] };
}

const download = (path: string, token?: string) =>
  fetch(new URL(path, stack.routerUrl), {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });

describe('staff search through the router', () => {
  it('goes from a customer e-mail to their orders in two queries', async () => {
    const found = await stack.request({
      token: staff,
      query: `query($search: String) { customers(search: $search) { nodes { id email } } }`,
      variables: { search: 'grace@' },
    });
    assert.deepEqual(found.data?.['customers'].nodes, [{ id: GRACE, email: 'grace@example.com' }]);
    const orders = await stack.request({
      token: staff,
      query: `query($filter: OrderFilter) { orders(filter: $filter) {
        totalCount totalCountIsExact nodes { customer { id email } } } }`,
      variables: { filter: { customerId: found.data!['customers'].nodes[0].id } },
    });
    assert.equal(orders.data?.['orders'].totalCount, 2);
    assert.equal(orders.data?.['orders'].totalCountIsExact, true);
    assert.deepEqual(
      orders.data?.['orders'].nodes.map((node: { customer: unknown }) => node.customer),
      [
        { id: GRACE, email: 'grace@example.com' },
        { id: GRACE, email: 'grace@example.com' },
      ],
    );
  });

  it('refuses the search to customers and to anonymous callers at the router', async () => {
    const query = `{ orders { totalCount } }`;
    const customer = await stack.request({ token: await stack.token(ADA, ['customer']), query });
    assert.equal(customer.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');
    const anonymous = await stack.request({ query });
    assert.equal(anonymous.errors?.[0]?.extensions?.['code'], 'UNAUTHENTICATED');
  });
});

describe('exportOrders through the router', () => {
  it('writes a CSV file in pages, downloadable by the staff member who started it', async () => {
    const filter = { customerId: ADA };
    const { started, job } = await exportAndWait({ filter, format: 'CSV' });
    assert.ok(['QUEUED', 'RUNNING', 'SUCCEEDED'].includes(started.status));
    assert.equal(started.format, 'CSV');
    assert.equal(job.status, 'SUCCEEDED');
    assert.equal(job.rowCount, 3);
    assert.equal(job.progress, 1);
    assert.equal(job.error, null);
    assert.equal(job.downloadUrl, `/exports/${job.id}/download`);
    const kept = Date.parse(job.expiresAt) - Date.parse(job.finishedAt);
    assert.equal(kept, 24 * 60 * 60 * 1000);

    const response = await download(job.downloadUrl, staff);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/csv; charset=utf-8');
    assert.equal(
      response.headers.get('content-disposition'),
      `attachment; filename="orders-${job.id}.csv"`,
    );
    const rows = (await ordersOf(filter)).map(rowOf);
    assert.equal(rows.length, 3);
    const header = Object.keys(rows[0]!).join(',');
    const want = [header, ...rows.map((row) => Object.values(row).join(','))]
      .map((line) => `${line}\r\n`)
      .join('');
    assert.equal(await response.text(), want);
    // money as exact decimal strings, e-mails from the customers service
    assert.match(want, /,ada@example\.com,USD,\d+\.\d{2},\d+\.\d{2},/);
  });

  it('writes JSON Lines, one object per order, with the same columns', async () => {
    const filter = { sku: MUG };
    const { job } = await exportAndWait({ filter, format: 'JSONL' });
    assert.equal(job.status, 'SUCCEEDED');
    const response = await download(job.downloadUrl, staff);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/jsonl; charset=utf-8');
    const body = await response.text();
    assert.ok(body.endsWith('\n'));
    const lines = body
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    const want = (await ordersOf(filter)).map(rowOf);
    assert.equal(want.length, 4);
    assert.deepEqual(lines, want);
    assert.equal(job.rowCount, 4);
  });

  it('writes an empty file (a CSV header alone) when nothing matches', async () => {
    const { job } = await exportAndWait({ filter: { status: ['RETURNED'] }, format: 'CSV' });
    assert.equal(job.status, 'SUCCEEDED');
    assert.equal(job.rowCount, 0);
    const response = await download(job.downloadUrl, staff);
    assert.equal(
      await response.text(),
      'order_number,placed_at,status,payment_status,customer_id,customer_email,currency,subtotal,discounts,shipping,tax,total,lines_count\r\n',
    );
  });

  it('lets only who started an export, and admins, read or download it', async () => {
    const { job } = await exportAndWait({ filter: { customerId: GRACE }, format: 'CSV' });
    const admin = await stack.token('admin-1', ['admin']);
    const otherStaff = await stack.token('staff-2', ['staff']);
    const customer = await stack.token(ADA, ['customer']);
    assert.equal((await download(job.downloadUrl, admin)).status, 200);
    const refused = await download(job.downloadUrl, otherStaff);
    assert.equal(refused.status, 403);
    assert.equal(((await refused.json()) as any).errors[0].extensions.code, 'FORBIDDEN');
    assert.equal((await download(job.downloadUrl, customer)).status, 403);
    const anonymous = await download(job.downloadUrl);
    assert.equal(anonymous.status, 401);
    assert.equal(((await anonymous.json()) as any).errors[0].extensions.code, 'UNAUTHENTICATED');
    assert.equal((await download(job.downloadUrl, 'not-a-token')).status, 401);
    const unknown = await download(`/exports/${crypto.randomUUID()}/download`, staff);
    assert.equal(unknown.status, 404);

    const read = await stack.request({ token: otherStaff, query: JOB, variables: { id: job.id } });
    assert.equal(read.data?.['exportJob'], null);
    assert.equal(read.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');
    const asCustomer = await stack.request({
      token: customer,
      query: EXPORT,
      variables: { input: { format: 'CSV', idempotencyKey: 'customer-export' } },
    });
    assert.equal(asCustomer.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');
  });

  it('refuses bad input and too large an export, starting nothing', async () => {
    const ask = (input: Record<string, unknown>) =>
      stack.request({
        token: staff,
        query: EXPORT,
        variables: { input: { format: 'CSV', idempotencyKey: `bad-${Math.random()}`, ...input } },
      });
    const jobs = () =>
      executeRows(stack.subgraphs.orders.handle.db, sql`select id from export_jobs`);
    const before = await jobs();
    const badRange = await ask({ filter: { total: { min: '9.999', currencyCode: 'USD' } } });
    assert.deepEqual(badRange.data?.['exportOrders'], {
      __typename: 'InvalidInputError',
      message: 'filter.total.min must be a non-negative amount in USD, e.g. "19.90".',
      field: 'filter.total.min',
    });
    const badKey = await ask({ idempotencyKey: '' });
    assert.equal(badKey.data?.['exportOrders'].field, 'idempotencyKey');
    // five orders match, and this stack allows four rows per export
    const tooLarge = await ask({ filter: {} });
    assert.deepEqual(tooLarge.data?.['exportOrders'], {
      __typename: 'ExportTooLargeError',
      message: 'More than 4 rows match: narrow the filter.',
      limit: 4,
    });
    assert.deepEqual(await jobs(), before);
  });

  it('returns the first job again for a repeated idempotency key', async () => {
    const input = { format: 'JSONL', filter: { customerId: GRACE }, idempotencyKey: 'twice' };
    const first = await stack.request({ token: staff, query: EXPORT, variables: { input } });
    const second = await stack.request({ token: staff, query: EXPORT, variables: { input } });
    assert.equal(
      second.data!['exportOrders'].job.id,
      first.data!['exportOrders'].job.id,
      JSON.stringify([first, second]),
    );
    const changed = await stack.request({
      token: staff,
      query: EXPORT,
      variables: { input: { ...input, format: 'CSV' } },
    });
    assert.equal(changed.data!['exportOrders'].field, 'idempotencyKey');
  });

  it('follows a job over WebSocket until it has succeeded', async () => {
    const started = await stack.request({
      token: staff,
      query: EXPORT,
      variables: {
        input: { format: 'CSV', filter: { customerId: ADA }, idempotencyKey: 'followed' },
      },
    });
    const id = started.data!['exportOrders'].job.id;
    const subscription = subscribeOverWebSocket({
      url: stack.routerUrl,
      token: staff,
      query: `subscription($id: ID!) { exportJobUpdated(id: $id) { id status rowCount progress downloadUrl } }`,
      variables: { id },
    });
    try {
      const results = await subscription.received.end();
      assert.equal(subscription.received.failure, null);
      const updates = results.map((result) => result.data?.['exportJobUpdated']);
      assert.ok(updates.length >= 1);
      // each update moves forward, and the last one is the written file
      for (let n = 1; n < updates.length; n++) {
        assert.ok(updates[n].rowCount >= updates[n - 1].rowCount);
      }
      assert.deepEqual(updates.at(-1), {
        id,
        status: 'SUCCEEDED',
        rowCount: 3,
        progress: 1,
        downloadUrl: `/exports/${id}/download`,
      });
    } finally {
      await subscription.close();
    }
  });
});
