import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { and, desc, eq } from 'drizzle-orm';
import { eventLog } from '@ordergraph/shared';
import {
  subgraphRequest,
  testLogger,
  TEST_SIGNING_SECRET,
  viewers,
  type TestSubgraph,
} from '@ordergraph/shared/testing';
import { createServer } from '../src/server.js';
import {
  APPROVE_RETURN,
  deliverOrder,
  insertAuthorizedOrder,
  key,
  RECEIVE_RETURN,
  REJECT_RETURN,
  REQUEST_RETURN,
  requestReturnOf,
  returnIn,
} from './returns-support.js';
import { ADA, placedOrder, startOrders, type Request } from './support.js';

let subgraph: TestSubgraph;
let request: Request;

before(async () => {
  ({ subgraph, request } = await startOrders());
});
after(() => subgraph.stop());

const act = (query: string, input: Record<string, unknown>, viewer = viewers.staff()) =>
  request(query, { viewer, variables: { input: { idempotencyKey: key(), ...input } } });

async function lastEvent(orderId: string, type: string) {
  const [event] = await subgraph.handle.db
    .select()
    .from(eventLog)
    .where(and(eq(eventLog.streamId, orderId), eq(eventLog.type, type)))
    .orderBy(desc(eventLog.seq))
    .limit(1);
  return event?.payload;
}

describe('approveReturn and rejectReturn', () => {
  it('lets staff approve a requested return', async () => {
    const { order, returnId } = await returnIn(subgraph.handle, request, 'REQUESTED');
    const response = await act(APPROVE_RETURN, { returnId });
    assert.deepEqual(response.data?.approveReturn, {
      __typename: 'ApproveReturnSuccess',
      return: { id: returnId, status: 'APPROVED' },
    });
    assert.deepEqual(await lastEvent(order.id, 'return.approved'), {
      orderId: order.id,
      customerId: ADA,
      returnId,
      decidedBy: 'staff-1',
      actor: { kind: 'STAFF', id: 'staff-1', name: null },
    });
  });

  it('lets staff reject with a reason, after which the units may be asked for again', async () => {
    const { order, lines, returnId } = await returnIn(subgraph.handle, request, 'REQUESTED');
    const response = await act(REJECT_RETURN, { returnId, reason: ' Worn and washed ' });
    assert.deepEqual(response.data?.rejectReturn, {
      __typename: 'RejectReturnSuccess',
      return: { id: returnId, status: 'REJECTED', rejectionReason: 'Worn and washed' },
    });
    assert.deepEqual(await lastEvent(order.id, 'return.rejected'), {
      orderId: order.id,
      customerId: ADA,
      returnId,
      reason: 'Worn and washed',
      decidedBy: 'staff-1',
      actor: { kind: 'STAFF', id: 'staff-1', name: null },
    });
    const again = await act(
      REQUEST_RETURN,
      { orderId: order.id, lines: [{ orderLineId: lines[0]!.id, quantity: 2 }], reason: 'Fits' },
      viewers.customer(ADA),
    );
    assert.equal(again.data?.requestReturn.__typename, 'RequestReturnSuccess');
  });

  it('refuses a rejection without a reason', async () => {
    const { returnId } = await returnIn(subgraph.handle, request, 'REQUESTED');
    const response = await act(REJECT_RETURN, { returnId, reason: '' });
    assert.deepEqual(response.data?.rejectReturn, {
      __typename: 'InvalidInputError',
      message: 'reason must not be empty.',
      field: 'reason',
    });
  });

  it('finds no return for an unknown or malformed id', async () => {
    const unknown = '00000000-0000-4000-8000-00000000dead';
    for (const returnId of [unknown, 'nope']) {
      const response = await act(APPROVE_RETURN, { returnId });
      assert.deepEqual(response.data?.approveReturn, {
        __typename: 'ReturnNotFoundError',
        message: `No return has the id ${returnId}.`,
        returnId,
      });
    }
  });

  it('answers a repeated key with the first result', async () => {
    const { returnId } = await returnIn(subgraph.handle, request, 'REQUESTED');
    const input = { returnId, idempotencyKey: key() };
    const first = await act(APPROVE_RETURN, input);
    const again = await act(APPROVE_RETURN, input);
    assert.deepEqual(again.data, first.data);
    assert.equal(again.data?.approveReturn.__typename, 'ApproveReturnSuccess');
  });

  it('refuses customers and the warehouse', async () => {
    const { returnId } = await returnIn(subgraph.handle, request, 'REQUESTED');
    for (const viewer of [viewers.customer(ADA), viewers.warehouse()]) {
      for (const [query, input] of [
        [APPROVE_RETURN, { returnId }],
        [REJECT_RETURN, { returnId, reason: 'No' }],
      ] as const) {
        const response = await act(query, input, viewer);
        assert.equal(response.errors?.[0]?.extensions?.code, 'FORBIDDEN');
      }
    }
  });
});

describe('receiveReturn', () => {
  it('records each line written off, and the order becomes PARTIALLY_RETURNED', async () => {
    const { order, lines, returnId } = await returnIn(subgraph.handle, request, 'APPROVED');
    const response = await act(
      RECEIVE_RETURN,
      { returnId, lines: [{ orderLineId: lines[0]!.id, disposition: 'WRITE_OFF' }] },
      viewers.warehouse(),
    );
    assert.deepEqual(response.data?.receiveReturn, {
      __typename: 'ReceiveReturnSuccess',
      return: {
        id: returnId,
        status: 'RECEIVED',
        lines: [
          { orderLine: { id: lines[0]!.id }, disposition: 'WRITE_OFF', restockWarehouseId: null },
        ],
        order: { status: 'PARTIALLY_RETURNED' },
      },
    });
    assert.deepEqual(await lastEvent(order.id, 'return.received'), {
      orderId: order.id,
      customerId: ADA,
      returnId,
      lines: [
        {
          orderLineId: lines[0]!.id,
          sku: 'TEE-CLASSIC-BLK-M',
          quantity: 1,
          disposition: 'WRITE_OFF',
          warehouseId: null,
        },
      ],
      receivedBy: 'warehouse-1',
      actor: { kind: 'WAREHOUSE', id: 'warehouse-1', name: null },
    });
    assert.deepEqual(await lastEvent(order.id, 'order.status_changed'), {
      orderId: order.id,
      customerId: ADA,
      number: order.number,
      from: 'DELIVERED',
      to: 'PARTIALLY_RETURNED',
      actor: { kind: 'WAREHOUSE', id: 'warehouse-1', name: null },
    });
  });

  it('makes the order RETURNED once every unit is back', async () => {
    const order = await insertAuthorizedOrder(subgraph.handle, placedOrder());
    const { lines } = await deliverOrder(subgraph.handle, order.id);
    const line = lines[0]!;
    for (const quantity of [1, 1]) {
      const returnId = await requestReturnOf(request, {
        viewer: viewers.customer(ADA),
        orderId: order.id,
        lines: [{ orderLineId: line.id, quantity }],
      });
      await act(APPROVE_RETURN, { returnId });
      const response = await act(RECEIVE_RETURN, {
        returnId,
        lines: [{ orderLineId: line.id, disposition: 'WRITE_OFF' }],
      });
      assert.equal(response.data?.receiveReturn.__typename, 'ReceiveReturnSuccess');
    }
    const after = await request(`query($id: ID!) { order(id: $id) { status } }`, {
      viewer: viewers.staff(),
      variables: { id: order.id },
    });
    assert.deepEqual(after.data?.order, { status: 'RETURNED' });
  });

  for (const [name, lines, field] of [
    ['no line', () => [], 'lines'],
    [
      'a line not in the return',
      () => [{ orderLineId: '00000000-0000-4000-8000-0000000000aa', disposition: 'WRITE_OFF' }],
      'lines.0.orderLineId',
    ],
    [
      'a restock without a warehouse',
      (id: string) => [{ orderLineId: id, disposition: 'RESTOCK' }],
      'lines.0.warehouseId',
    ],
    [
      'a write-off to a warehouse',
      (id: string) => [{ orderLineId: id, disposition: 'WRITE_OFF', warehouseId: 'wh-1' }],
      'lines.0.warehouseId',
    ],
  ] as const) {
    it(`refuses ${name} as invalid input, changing nothing`, async () => {
      const { lines: ordered, returnId } = await returnIn(subgraph.handle, request, 'APPROVED');
      const response = await act(RECEIVE_RETURN, { returnId, lines: lines(ordered[0]!.id) });
      assert.equal(response.data?.receiveReturn.__typename, 'InvalidInputError');
      assert.equal(response.data?.receiveReturn.field, field);
      const still = await request(`query($id: ID!) { return(id: $id) { status } }`, {
        viewer: viewers.staff(),
        variables: { id: returnId },
      });
      assert.deepEqual(still.data?.return, { status: 'APPROVED' });
    });
  }

  it('changes nothing while the inventory cannot be reached to restock', async () => {
    const cut = await createServer({
      handle: subgraph.handle,
      signingSecret: TEST_SIGNING_SECRET,
      log: testLogger('orders'),
      inventoryUrl: 'http://127.0.0.1:9/graphql',
    });
    const url = await cut.listen();
    try {
      const { lines, returnId } = await returnIn(subgraph.handle, request, 'APPROVED');
      const response = await subgraphRequest(url, {
        query: RECEIVE_RETURN,
        viewer: viewers.warehouse(),
        variables: {
          input: {
            returnId,
            idempotencyKey: key(),
            lines: [{ orderLineId: lines[0]!.id, disposition: 'RESTOCK', warehouseId: 'wh-1' }],
          },
        },
      });
      assert.equal(response.errors?.[0]?.extensions?.code, 'SERVICE_UNAVAILABLE');
      const still = await request(`query($id: ID!) { return(id: $id) { status } }`, {
        viewer: viewers.staff(),
        variables: { id: returnId },
      });
      assert.deepEqual(still.data?.return, { status: 'APPROVED' });
    } finally {
      await cut.stop();
    }
  });

  it('refuses customers', async () => {
    const { lines, returnId } = await returnIn(subgraph.handle, request, 'APPROVED');
    const response = await act(
      RECEIVE_RETURN,
      { returnId, lines: [{ orderLineId: lines[0]!.id, disposition: 'WRITE_OFF' }] },
      viewers.customer(ADA),
    );
    assert.equal(response.errors?.[0]?.extensions?.code, 'FORBIDDEN');
  });
});
