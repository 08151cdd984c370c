import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { eq } from 'drizzle-orm';
import { viewers, type TestSubgraph } from '@ordergraph/shared/testing';
import { orders, type OrderStatus, type PaymentStatus } from '../src/db/schema.js';
import { insertOrder, placedOrder, startOrders, type Request } from './support.js';

let subgraph: TestSubgraph;
let request: Request;

/** what the test knows of each order it wrote: the hand computation's input */
interface Known {
  number: string;
  customerId: string;
  status: OrderStatus;
  paymentStatus: PaymentStatus;
  placedAt: Date;
  total: number;
  currency: string;
  skus: string[];
  warehouseId: string;
  id: string;
}
const known: Known[] = [];
const customers = [randomUUID(), randomUUID(), randomUUID()];
const STATUSES: OrderStatus[] = ['CONFIRMED', 'SHIPPED', 'DELIVERED', 'CANCELLED'];
const PAYMENTS: PaymentStatus[] = ['AUTHORIZED', 'CAPTURED', 'REFUNDED'];
const START = Date.parse('2026-03-01T00:00:00.000Z');
const HOUR = 3_600_000;

before(async () => {
  ({ subgraph, request } = await startOrders());
  for (let i = 0; i < 30; i++) {
    const skus = i % 3 === 0 ? ['TEE-RED', 'MUG-BLUE'] : [i % 2 === 0 ? 'TEE-RED' : 'CAP-GREEN'];
    const placed = placedOrder({
      customerId: customers[i % 3]!,
      currency: i % 10 === 9 ? 'EUR' : 'USD',
      warehouseId: i % 4 === 0 ? 'wh-west' : 'wh-east',
      // totals repeat (every 7th order), so ties are broken by id
      lines: skus.map((sku, n) => ({ sku, quantity: 1 + n, unitPrice: 1000 + (i % 7) * 250 })),
    });
    const row = await insertOrder(subgraph.handle, placed);
    // some orders share a placement time, so ties are broken by id there too
    const placedAt = new Date(START + Math.floor(i / 2) * HOUR);
    const status = STATUSES[i % 4]!;
    const paymentStatus = PAYMENTS[i % 3]!;
    await subgraph.handle.db
      .update(orders)
      .set({ placedAt, status, paymentStatus })
      .where(eq(orders.id, row.id));
    known.push({
      id: row.id,
      number: row.number,
      customerId: row.customerId,
      status,
      paymentStatus,
      placedAt,
      total: row.total,
      currency: row.currency,
      skus,
      warehouseId: placed.allocations[0]!.warehouseId,
    });
  }
});
after(() => subgraph.stop());

const SEARCH = `query($filter: OrderFilter, $sort: OrderSort, $first: Int, $after: String) {
  orders(filter: $filter, sort: $sort, first: $first, after: $after) {
    nodes { number } pageInfo { hasNextPage endCursor } totalCount totalCountIsExact } }`;

/** every page of a search, followed to its end */
async function searchAll(variables: Record<string, unknown>, first = 4) {
  const numbers: string[] = [];
  let after: string | null = null;
  let totalCount = -1;
  for (let page = 0; page < 50; page++) {
    const response = await request(SEARCH, {
      viewer: viewers.staff(),
      variables: { ...variables, first, after },
    });
    assert.equal(response.errors, undefined, JSON.stringify(response.errors));
    const found = response.data!['orders'];
    numbers.push(...found.nodes.map((node: { number: string }) => node.number));
    totalCount = found.totalCount;
    assert.equal(found.totalCountIsExact, true);
    if (!found.pageInfo.hasNextPage) return { numbers, totalCount };
    after = found.pageInfo.endCursor;
  }
  throw new Error('the search never ended');
}

/** the hand computation: the same filter and sort over what the test wrote */
function expected(
  keep: (order: Known) => boolean,
  sort: { field: 'PLACED_AT' | 'TOTAL'; direction: 'ASC' | 'DESC' } = {
    field: 'PLACED_AT',
    direction: 'DESC',
  },
) {
  const value = (order: Known) =>
    sort.field === 'PLACED_AT' ? order.placedAt.getTime() : order.total;
  const sign = sort.direction === 'ASC' ? 1 : -1;
  return known
    .filter(keep)
    .sort((a, b) => sign * (value(a) - value(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)))
    .map((order) => order.number);
}

describe('Query.orders (staff search)', () => {
  const cases: {
    name: string;
    filter?: Record<string, unknown>;
    sort?: { field: 'PLACED_AT' | 'TOTAL'; direction: 'ASC' | 'DESC' };
    keep: (order: Known) => boolean;
  }[] = [
    { name: 'every order, newest first', keep: () => true },
    {
      name: 'every order by total, smallest first',
      sort: { field: 'TOTAL', direction: 'ASC' },
      keep: () => true,
    },
    {
      name: 'every order by total, largest first',
      sort: { field: 'TOTAL', direction: 'DESC' },
      keep: () => true,
    },
    {
      name: 'every order, oldest first',
      sort: { field: 'PLACED_AT', direction: 'ASC' },
      keep: () => true,
    },
    {
      name: 'statuses',
      filter: { status: ['SHIPPED', 'CANCELLED'] },
      keep: (order) => ['SHIPPED', 'CANCELLED'].includes(order.status),
    },
    {
      name: 'payment status',
      filter: { paymentStatus: ['CAPTURED'] },
      keep: (order) => order.paymentStatus === 'CAPTURED',
    },
    {
      name: 'a placement range, its start included and its end not',
      filter: {
        placedFrom: new Date(START + 3 * HOUR).toISOString(),
        placedTo: new Date(START + 9 * HOUR).toISOString(),
      },
      keep: (order) =>
        order.placedAt.getTime() >= START + 3 * HOUR && order.placedAt.getTime() < START + 9 * HOUR,
    },
    {
      name: 'a customer, by total',
      filter: { customerId: customers[1] },
      sort: { field: 'TOTAL', direction: 'DESC' },
      keep: (order) => order.customerId === customers[1],
    },
    {
      name: 'a SKU',
      filter: { sku: 'MUG-BLUE' },
      keep: (order) => order.skus.includes('MUG-BLUE'),
    },
    {
      name: 'a warehouse',
      filter: { warehouseId: 'wh-west' },
      keep: (order) => order.warehouseId === 'wh-west',
    },
    {
      name: 'a total range in one currency, bounds included',
      filter: { total: { min: '25.00', max: '40.00', currencyCode: 'USD' } },
      sort: { field: 'TOTAL', direction: 'ASC' },
      keep: (order) => order.currency === 'USD' && order.total >= 2500 && order.total <= 4000,
    },
    {
      name: 'everything at once',
      filter: {
        status: ['CONFIRMED', 'DELIVERED'],
        sku: 'TEE-RED',
        placedFrom: new Date(START + 2 * HOUR).toISOString(),
        total: { min: '10.00', currencyCode: 'USD' },
      },
      sort: { field: 'TOTAL', direction: 'DESC' },
      keep: (order) =>
        ['CONFIRMED', 'DELIVERED'].includes(order.status) &&
        order.skus.includes('TEE-RED') &&
        order.placedAt.getTime() >= START + 2 * HOUR &&
        order.currency === 'USD' &&
        order.total >= 1000,
    },
  ];

  for (const { name, filter, sort, keep } of cases) {
    it(`pages through ${name} exactly as the hand computation, counting them`, async () => {
      const want = expected(keep, sort);
      assert.ok(want.length > 0, 'the case selects something');
      const { numbers, totalCount } = await searchAll({ filter, sort });
      assert.deepEqual(numbers, want);
      assert.equal(totalCount, want.length);
    });
  }

  it('finds an order by its exact number and by a prefix of it', async () => {
    const target = known[13]!.number;
    assert.deepEqual((await searchAll({ filter: { number: target } })).numbers, [target]);
    const prefix = target.slice(0, -1);
    assert.deepEqual(
      (await searchAll({ filter: { numberPrefix: prefix } })).numbers,
      expected((order) => order.number.startsWith(prefix)),
    );
    assert.deepEqual((await searchAll({ filter: { numberPrefix: 'XX-' } })).numbers, []);
  });

  it('answers a page and its count in two statements, and a page alone in one', async () => {
    let before = subgraph.handle.statements.count;
    await request(SEARCH, {
      viewer: viewers.staff(),
      variables: { filter: { sku: 'TEE-RED' }, first: 5 },
    });
    assert.equal(subgraph.handle.statements.count - before, 2);
    before = subgraph.handle.statements.count;
    const response = await request(
      `{ orders(first: 5, filter: { status: [CONFIRMED] }) { nodes { number total { amount } } } }`,
      { viewer: viewers.staff() },
    );
    assert.equal(response.data?.['orders'].nodes.length, 5);
    assert.equal(subgraph.handle.statements.count - before, 1);
  });

  it('is for staff and admins only', async () => {
    for (const viewer of [viewers.customer(customers[0]!), viewers.warehouse()]) {
      const response = await request(SEARCH, { viewer, variables: {} });
      assert.equal(response.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');
    }
    const admin = await request(SEARCH, {
      viewer: viewers.withRoles('admin-1', ['admin']),
      variables: { first: 1 },
    });
    assert.equal(admin.data?.['orders'].totalCount, known.length);
  });

  it('refuses filters out of range, naming the field', async () => {
    const refusals: [Record<string, unknown>, string][] = [
      [{ filter: { status: [] } }, 'filter.status'],
      [
        {
          filter: {
            placedFrom: '2026-03-02T00:00:00.000Z',
            placedTo: '2026-03-01T00:00:00.000Z',
          },
        },
        'filter.placedTo',
      ],
      [{ filter: { customerId: 'not-a-uuid' } }, 'filter.customerId'],
      [{ filter: { numberPrefix: '' } }, 'filter.numberPrefix'],
      [{ filter: { number: 'x'.repeat(41) } }, 'filter.number'],
      [{ filter: { total: { min: '-1', currencyCode: 'USD' } } }, 'filter.total.min'],
      [{ filter: { total: { min: '1.001', currencyCode: 'USD' } } }, 'filter.total.min'],
      [{ filter: { total: { min: '5', max: '4', currencyCode: 'USD' } } }, 'filter.total.max'],
      [{ filter: { total: { currencyCode: 'usd' } } }, 'filter.total.currencyCode'],
      [{ first: 0 }, 'first'],
      [{ first: 101 }, 'first'],
      [{ after: 'garbage' }, 'after'],
    ];
    for (const [variables, field] of refusals) {
      const response = await request(SEARCH, { viewer: viewers.staff(), variables });
      assert.equal(response.data?.['orders'] ?? null, null, field);
      assert.equal(response.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT', field);
      assert.equal(response.errors?.[0]?.extensions?.['field'], field);
    }
  });

  it('refuses a cursor of another sort', async () => {
    const first = await request(SEARCH, { viewer: viewers.staff(), variables: { first: 2 } });
    const cursor = first.data!['orders'].pageInfo.endCursor;
    const response = await request(SEARCH, {
      viewer: viewers.staff(),
      variables: { first: 2, after: cursor, sort: { field: 'TOTAL', direction: 'DESC' } },
    });
    assert.equal(response.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
    assert.equal(response.errors?.[0]?.extensions?.['field'], 'after');
  });
});
