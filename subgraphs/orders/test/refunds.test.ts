import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { and, eq } from 'drizzle-orm';
import { eventLog } from '@ordergraph/shared';
import { viewers, type TestSubgraph } from '@ordergraph/shared/testing';
import { refunds, returns } from '../src/db/schema.js';
import {
  APPROVE_RETURN,
  deliverOrder,
  insertAuthorizedOrder,
  key,
  RECEIVE_RETURN,
  refundedByProvider,
  REFUND_RETURN,
  requestReturnOf,
  returnIn,
  usd,
} from './returns-support.js';
import { ADA, placedOrder, startOrders, type Request } from './support.js';

let subgraph: TestSubgraph;
let request: Request;

before(async () => {
  ({ subgraph, request } = await startOrders());
});
after(() => subgraph.stop());

const refund = (input: Record<string, unknown>, viewer = viewers.staff()) =>
  request(REFUND_RETURN, { viewer, variables: { input: { idempotencyKey: key(), ...input } } });

const TWO_LINES = [
  { sku: 'TEE-1', quantity: 2, unitPrice: 2500 },
  { sku: 'MUG-1', quantity: 1, unitPrice: 1200 },
];

/** a delivered order's return of `lines` (all of each when no quantity), taken to RECEIVED */
async function receivedReturn(
  orderId: string,
  lines: { orderLineId: string; quantity: number }[],
): Promise<string> {
  const returnId = await requestReturnOf(request, {
    viewer: viewers.customer(ADA),
    orderId,
    lines,
  });
  const staff = { viewer: viewers.staff() };
  await request(APPROVE_RETURN, {
    ...staff,
    variables: { input: { returnId, idempotencyKey: key() } },
  });
  const received = await request(RECEIVE_RETURN, {
    ...staff,
    variables: {
      input: {
        returnId,
        idempotencyKey: key(),
        lines: lines.map(({ orderLineId }) => ({ orderLineId, disposition: 'WRITE_OFF' })),
      },
    },
  });
  assert.equal(received.data?.receiveReturn.__typename, 'ReceiveReturnSuccess');
  return returnId;
}

describe('refundReturn', () => {
  it('pays back what the returned lines are worth through the provider', async () => {
    const { order, returnId } = await returnIn(subgraph.handle, request, 'RECEIVED');
    const response = await refund({ returnId });
    assert.deepEqual(response.data?.refundReturn, {
      __typename: 'RefundReturnSuccess',
      amount: usd('25.00'),
      return: {
        id: returnId,
        status: 'REFUNDED',
        refundedAmount: { amount: '25.00' },
        order: { status: 'PARTIALLY_RETURNED', paymentStatus: 'PARTIALLY_REFUNDED' },
      },
    });
    assert.equal(await refundedByProvider(subgraph.handle, order), 2500);
    const [event] = await subgraph.handle.db
      .select()
      .from(eventLog)
      .where(and(eq(eventLog.streamId, order.id), eq(eventLog.type, 'refund.issued')));
    assert.deepEqual(event?.payload, {
      orderId: order.id,
      customerId: ADA,
      returnId,
      amount: 2500,
      currency: 'USD',
      // the staff member who asked, not the service
      actor: { kind: 'STAFF', id: 'staff-1', name: null },
    });
  });

  it('pays back part of it when staff name a smaller amount', async () => {
    const { order, returnId } = await returnIn(subgraph.handle, request, 'RECEIVED');
    const response = await refund({ returnId, amount: { amount: '10', currencyCode: 'usd' } });
    assert.deepEqual(response.data?.refundReturn.amount, usd('10.00'));
    assert.deepEqual(response.data?.refundReturn.return.refundedAmount, { amount: '10.00' });
    assert.equal(await refundedByProvider(subgraph.handle, order), 1000);
  });

  for (const [name, amount, field] of [
    ['more than the lines are worth', { amount: '25.01', currencyCode: 'USD' }, 'amount.amount'],
    ['nothing', { amount: '0.00', currencyCode: 'USD' }, 'amount.amount'],
    ['a fraction of a cent', { amount: '1.005', currencyCode: 'USD' }, 'amount.amount'],
    ['another currency', { amount: '10.00', currencyCode: 'EUR' }, 'amount.currencyCode'],
  ] as const) {
    it(`refuses ${name} as invalid input, paying nothing`, async () => {
      const { order, returnId } = await returnIn(subgraph.handle, request, 'RECEIVED');
      const response = await refund({ returnId, amount });
      assert.equal(response.data?.refundReturn.__typename, 'InvalidInputError');
      assert.equal(response.data?.refundReturn.field, field);
      assert.equal(await refundedByProvider(subgraph.handle, order), 0);
    });
  }

  it('never pays back more than was captured', async () => {
    const order = await insertAuthorizedOrder(subgraph.handle, placedOrder({ lines: TWO_LINES }));
    // the mug's shipment was captured, the tees' capture is not taken yet
    const { lines } = await deliverOrder(subgraph.handle, order.id, {
      shipments: ([tee, mug]) => [
        [{ orderLineId: mug!.id, quantity: 1 }],
        [{ orderLineId: tee!.id, quantity: 2 }],
      ],
      uncaptured: [1],
    });
    const returnId = await receivedReturn(order.id, [{ orderLineId: lines[0]!.id, quantity: 2 }]);
    // 67.00 * 12.00 / 62.00 = 12.967... captured for the mug's shipment
    assert.deepEqual((await refund({ returnId })).data?.refundReturn, {
      __typename: 'RefundNotAllowedError',
      message: 'Only 12.97 USD of the captured payment can still be refunded.',
      requested: { amount: '50.00' },
      refundable: { amount: '12.97' },
    });
    const partial = await refund({ returnId, amount: { amount: '12.97', currencyCode: 'USD' } });
    assert.equal(partial.data?.refundReturn.__typename, 'RefundReturnSuccess');
    assert.equal(await refundedByProvider(subgraph.handle, order), 1297);
  });

  it('spreads a refund over the captures of several shipments', async () => {
    const order = await insertAuthorizedOrder(subgraph.handle, placedOrder({ lines: TWO_LINES }));
    const { lines, captureIds } = await deliverOrder(subgraph.handle, order.id, {
      shipments: ([tee, mug]) => [
        [{ orderLineId: mug!.id, quantity: 1 }],
        [{ orderLineId: tee!.id, quantity: 2 }],
      ],
    });
    const returnId = await receivedReturn(
      order.id,
      lines.map((line) => ({ orderLineId: line.id, quantity: line.quantity })),
    );
    const response = await refund({ returnId });
    assert.deepEqual(response.data?.refundReturn.amount, usd('62.00'));
    const paid = await subgraph.handle.db
      .select({ captureId: refunds.captureId, amount: refunds.amount, status: refunds.status })
      .from(refunds)
      .where(eq(refunds.returnId, returnId));
    assert.deepEqual(
      paid.sort((a, b) => a.amount - b.amount),
      [
        { captureId: captureIds[0], amount: 1297, status: 'REFUNDED' },
        { captureId: captureIds[1], amount: 4903, status: 'REFUNDED' },
      ],
    );
    assert.deepEqual(response.data?.refundReturn.return.order, {
      status: 'RETURNED',
      paymentStatus: 'PARTIALLY_REFUNDED',
    });
  });

  it('makes the payment REFUNDED once all that was captured is paid back', async () => {
    const placed = placedOrder();
    const free = { ...placed, priced: { ...placed.priced, shippingTotal: 0, total: 5000 } };
    const order = await insertAuthorizedOrder(subgraph.handle, free);
    const { lines } = await deliverOrder(subgraph.handle, order.id);
    const returnId = await receivedReturn(order.id, [{ orderLineId: lines[0]!.id, quantity: 2 }]);
    const response = await refund({ returnId });
    assert.deepEqual(response.data?.refundReturn.return.order, {
      status: 'RETURNED',
      paymentStatus: 'REFUNDED',
    });
  });

  it('reports a refusal of the provider and lets a later attempt try again', async () => {
    const order = await insertAuthorizedOrder(subgraph.handle, placedOrder());
    const { lines } = await deliverOrder(subgraph.handle, order.id, {
      captureIds: ['cap_unknown'],
    });
    const returnId = await receivedReturn(order.id, [{ orderLineId: lines[0]!.id, quantity: 1 }]);
    const response = await refund({ returnId });
    assert.deepEqual(response.data?.refundReturn, {
      __typename: 'RefundFailedError',
      message: 'The payment provider refused the refund.',
      reason: 'capture_not_found',
    });
    const [row] = await subgraph.handle.db.select().from(returns).where(eq(returns.id, returnId));
    assert.deepEqual([row?.status, row?.refundAttempts], ['RECEIVED', 1]);
    const again = await refund({ returnId });
    assert.equal(again.data?.refundReturn.__typename, 'RefundFailedError');
    const keys = await subgraph.handle.db
      .select({ providerKey: refunds.providerKey, status: refunds.status })
      .from(refunds)
      .where(eq(refunds.returnId, returnId));
    assert.deepEqual(keys.map((refunded) => refunded.providerKey).sort(), [
      `refund:${returnId}:0:cap_unknown`,
      `refund:${returnId}:1:cap_unknown`,
    ]);
  });

  it('refuses customers and the warehouse', async () => {
    const { returnId } = await returnIn(subgraph.handle, request, 'RECEIVED');
    for (const viewer of [viewers.customer(ADA), viewers.warehouse()]) {
      const response = await refund({ returnId }, viewer);
      assert.equal(response.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    }
  });
});
