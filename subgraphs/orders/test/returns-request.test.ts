import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eq } from 'drizzle-orm';
import { eventLog } from '@ordergraph/shared';
import {
  subgraphRequest,
  testLogger,
  TEST_SIGNING_SECRET,
  viewers,
  type TestSubgraph,
} from '@ordergraph/shared/testing';
import type { OrderLineRow, OrderRow } from '../src/db/schema.js';
import { createOrdersRepository } from '../src/orders.repository.js';
import { createServer } from '../src/server.js';
import {
  deliverOrder,
  insertAuthorizedOrder,
  key,
  REQUEST_RETURN,
  usd,
} from './returns-support.js';
import { ADA, GRACE, placedOrder, startOrders, type Request } from './support.js';

let subgraph: TestSubgraph;
let request: Request;
let adas: OrderRow;
let tee: OrderLineRow;
let mug: OrderLineRow;
let graces: OrderRow;
let pending: OrderRow;

const TWO_LINES = [
  { sku: 'TEE-1', quantity: 2, unitPrice: 2500 },
  { sku: 'MUG-1', quantity: 1, unitPrice: 1200 },
];

before(async () => {
  ({ subgraph, request } = await startOrders());
  adas = await insertAuthorizedOrder(subgraph.handle, placedOrder({ lines: TWO_LINES }));
  [tee, mug] = (await deliverOrder(subgraph.handle, adas.id)).lines as [OrderLineRow, OrderLineRow];
  graces = await insertAuthorizedOrder(subgraph.handle, placedOrder({ customerId: GRACE }));
  await deliverOrder(subgraph.handle, graces.id);
  pending = await insertAuthorizedOrder(subgraph.handle, placedOrder());
});
after(() => subgraph.stop());

const ask = (
  input: Record<string, unknown>,
  viewer = viewers.customer(ADA),
  to: Request = request,
) =>
  to(REQUEST_RETURN, {
    viewer,
    variables: { input: { reason: 'Too small', idempotencyKey: key(), ...input } },
  });

describe('requestReturn', () => {
  it('lets the customer return delivered units, valued and in the timeline', async () => {
    const response = await ask({ orderId: adas.id, lines: [{ orderLineId: tee.id, quantity: 1 }] });
    assert.equal(response.errors, undefined);
    const created = response.data?.requestReturn.return;
    assert.deepEqual(response.data?.requestReturn, {
      __typename: 'RequestReturnSuccess',
      return: {
        id: created.id,
        status: 'REQUESTED',
        reason: 'Too small',
        rejectionReason: null,
        order: { id: adas.id, status: 'DELIVERED', paymentStatus: 'CAPTURED' },
        lines: [
          {
            orderLine: { id: tee.id, variant: { sku: 'TEE-1' } },
            quantity: 1,
            amount: usd('25.00'),
            disposition: null,
            restockWarehouseId: null,
          },
        ],
        refundableAmount: usd('25.00'),
        refundedAmount: null,
        allowedActions: [],
      },
    });
    const [event] = await subgraph.handle.db
      .select()
      .from(eventLog)
      .where(eq(eventLog.type, 'return.requested'));
    assert.deepEqual(event?.payload, {
      orderId: adas.id,
      customerId: ADA,
      returnId: created.id,
      reason: 'Too small',
      lines: [{ orderLineId: tee.id, sku: 'TEE-1', quantity: 1, amount: 2500 }],
      amount: 2500,
      currency: 'USD',
      requestedBy: ADA,
      actor: { kind: 'CUSTOMER', id: ADA, name: null },
    });
  });

  it('lets staff request a return for the customer, and offers them the decision', async () => {
    const response = await ask(
      { orderId: adas.id, lines: [{ orderLineId: mug.id, quantity: 1 }] },
      viewers.staff(),
    );
    assert.equal(response.data?.requestReturn.__typename, 'RequestReturnSuccess');
    assert.deepEqual(response.data?.requestReturn.return.allowedActions, ['APPROVE', 'REJECT']);
  });

  it('refuses more units than were delivered and are not yet in a return', async () => {
    const response = await ask({ orderId: adas.id, lines: [{ orderLineId: tee.id, quantity: 2 }] });
    assert.deepEqual(response.data?.requestReturn, {
      __typename: 'ReturnNotAllowedError',
      message: 'At most 1 of this line can still be returned.',
      reason: 'QUANTITY_EXCEEDED',
      orderLineId: tee.id,
      returnable: 1,
    });
  });

  it('refuses an order that was not delivered', async () => {
    const [line] = await linesOf(pending);
    const response = await ask({
      orderId: pending.id,
      lines: [{ orderLineId: line!.id, quantity: 1 }],
    });
    assert.deepEqual(response.data?.requestReturn, {
      __typename: 'ReturnNotAllowedError',
      message: 'Only delivered orders can be returned.',
      reason: 'NOT_DELIVERED',
      orderLineId: null,
      returnable: null,
    });
  });

  it('refuses units delivered before the return window, which createServer configures', async () => {
    const strict = await createServer({
      handle: subgraph.handle,
      signingSecret: TEST_SIGNING_SECRET,
      log: testLogger('orders'),
      returnWindowDays: 0,
    });
    const url = await strict.listen();
    try {
      const [line] = await linesOf(graces);
      const response = await ask(
        { orderId: graces.id, lines: [{ orderLineId: line!.id, quantity: 1 }] },
        viewers.customer(GRACE),
        (query, options) => subgraphRequest(url, { query, ...options }),
      );
      assert.deepEqual(response.data?.requestReturn, {
        __typename: 'ReturnNotAllowedError',
        message: 'Items can be returned within 0 days of delivery.',
        reason: 'RETURN_WINDOW_CLOSED',
        orderLineId: line!.id,
        returnable: 0,
      });
    } finally {
      await strict.stop();
    }
  });

  it("answers another customer's order exactly as an order that does not exist", async () => {
    const [line] = await linesOf(graces);
    const input = { lines: [{ orderLineId: line!.id, quantity: 1 }] };
    const theirs = await ask({ ...input, orderId: graces.id });
    const unknown = '00000000-0000-4000-8000-00000000dead';
    const nobodys = await ask({ ...input, orderId: unknown });
    assert.deepEqual(theirs.data?.requestReturn, {
      __typename: 'OrderNotFoundError',
      message: `No order has the id ${graces.id}.`,
      orderId: graces.id,
    });
    assert.deepEqual(nobodys.data?.requestReturn, {
      __typename: 'OrderNotFoundError',
      message: `No order has the id ${unknown}.`,
      orderId: unknown,
    });
    const malformed = await ask({ ...input, orderId: 'not-an-id' });
    assert.equal(malformed.data?.requestReturn.__typename, 'OrderNotFoundError');
  });

  for (const [name, input, field] of [
    ['no lines', { lines: [] }, 'lines'],
    ['a quantity of 0', { lines: [{ orderLineId: 'LINE', quantity: 0 }] }, 'lines.0.quantity'],
    ['a malformed line id', { lines: [{ orderLineId: 'x', quantity: 1 }] }, 'lines.0.orderLineId'],
    [
      'a line twice',
      {
        lines: [
          { orderLineId: 'LINE', quantity: 1 },
          { orderLineId: 'LINE', quantity: 1 },
        ],
      },
      'lines.1.orderLineId',
    ],
    [
      'a line of another order',
      { lines: [{ orderLineId: '00000000-0000-4000-8000-0000000000aa', quantity: 1 }] },
      'lines.0.orderLineId',
    ],
    ['an empty reason', { reason: '  ' }, 'reason'],
    ['an empty idempotency key', { idempotencyKey: '' }, 'idempotencyKey'],
  ] as const) {
    it(`refuses ${name} as invalid input`, async () => {
      const lines = JSON.parse(JSON.stringify(input).replaceAll('LINE', mug.id)) as Record<
        string,
        unknown
      >;
      const response = await ask({
        orderId: adas.id,
        lines: [{ orderLineId: mug.id, quantity: 1 }],
        ...lines,
      });
      assert.equal(response.data?.requestReturn.__typename, 'InvalidInputError');
      assert.equal(response.data?.requestReturn.field, field);
    });
  }

  it('returns the first result again for a repeated key, and refuses the key with other input', async () => {
    const [line] = await linesOf(graces);
    const input = {
      orderId: graces.id,
      lines: [{ orderLineId: line!.id, quantity: 1 }],
      idempotencyKey: key(),
    };
    const first = await ask(input, viewers.customer(GRACE));
    const again = await ask(input, viewers.customer(GRACE));
    assert.equal(first.data?.requestReturn.__typename, 'RequestReturnSuccess');
    assert.deepEqual(again.data, first.data);
    const other = await ask({ ...input, reason: 'Changed my mind' }, viewers.customer(GRACE));
    assert.deepEqual(other.data?.requestReturn, {
      __typename: 'InvalidInputError',
      message: 'This idempotencyKey was already used with a different input.',
      field: 'idempotencyKey',
    });
  });

  it('asks for sign-in, and refuses roles that do not return orders', async () => {
    const input = { orderId: adas.id, lines: [{ orderLineId: mug.id, quantity: 1 }] };
    const anonymous = await ask(input, viewers.anonymous());
    assert.equal(anonymous.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
    const warehouse = await ask(input, viewers.warehouse());
    assert.equal(warehouse.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    assert.equal(warehouse.errors?.[0]?.message, 'Only customers and staff may request returns.');
  });
});

const linesOf = (order: OrderRow) =>
  createOrdersRepository({ db: subgraph.handle.db }).findLinesByOrderIds([order.id]);
