import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eq } from 'drizzle-orm';
import {
  racesNeedPostgres,
  subgraphRequest,
  testLogger,
  TEST_SIGNING_SECRET,
  viewers,
  type TestSubgraph,
} from '@ordergraph/shared/testing';
import { refunds, returns } from '../src/db/schema.js';
import type { PaymentProvider } from '../src/payments/payment-provider.js';
import { createTestPaymentProvider } from '../src/payments/test-provider.js';
import { createServer } from '../src/server.js';
import {
  deliverOrder,
  insertAuthorizedOrder,
  key,
  refundedByProvider,
  REFUND_RETURN,
  REQUEST_RETURN,
  returnIn,
} from './returns-support.js';
import { ADA, placedOrder, startOrders, type Request } from './support.js';

let subgraph: TestSubgraph;
let request: Request;

before(async () => {
  ({ subgraph, request } = await startOrders());
});
after(() => subgraph.stop());

const refundInput = (returnId: string, idempotencyKey = key()) => ({
  viewer: viewers.staff(),
  variables: { input: { returnId, idempotencyKey } },
});

const refundRows = (returnId: string) =>
  subgraph.handle.db.select().from(refunds).where(eq(refunds.returnId, returnId));

describe('refunds at once, and refunds that break off', () => {
  it(
    'refunds once when the same refund arrives twice at once',
    { skip: racesNeedPostgres },
    async () => {
      const { order, returnId } = await returnIn(subgraph.handle, request, 'RECEIVED');
      const idempotencyKey = key();
      const [first, second] = await Promise.all([
        request(REFUND_RETURN, refundInput(returnId, idempotencyKey)),
        request(REFUND_RETURN, refundInput(returnId, idempotencyKey)),
      ]);
      assert.equal(first.data?.refundReturn.__typename, 'RefundReturnSuccess');
      assert.deepEqual(second.data, first.data);
      assert.equal(await refundedByProvider(subgraph.handle, order), 2500);
      assert.equal((await refundRows(returnId)).length, 1);
    },
  );

  it(
    'refunds once when two staff refund the same return at once',
    { skip: racesNeedPostgres },
    async () => {
      const { order, returnId } = await returnIn(subgraph.handle, request, 'RECEIVED');
      const results = await Promise.all([
        request(REFUND_RETURN, refundInput(returnId)),
        request(REFUND_RETURN, refundInput(returnId)),
      ]);
      const kinds = results.map((response) => response.data?.refundReturn.__typename).sort();
      // the later one either completes the refund already under way or finds it done
      assert.ok(
        kinds[0] === 'InvalidReturnTransitionError' || kinds[0] === 'RefundReturnSuccess',
        JSON.stringify(results),
      );
      assert.equal(kinds[1], 'RefundReturnSuccess');
      assert.equal(await refundedByProvider(subgraph.handle, order), 2500);
      assert.equal((await refundRows(returnId)).length, 1);
    },
  );

  it('completes a refund whose answer from the provider was lost, paying once', async () => {
    const provider = createTestPaymentProvider({ db: subgraph.handle.db });
    let dropAnswer = true;
    // the provider refunds, then the connection breaks before its answer arrives
    const lossy: PaymentProvider = {
      ...provider,
      refund: async (call) => {
        const answer = await provider.refund(call);
        if (dropAnswer) {
          dropAnswer = false;
          throw new Error('connection reset');
        }
        return answer;
      },
    };
    const server = await createServer({
      handle: subgraph.handle,
      signingSecret: TEST_SIGNING_SECRET,
      log: testLogger('orders'),
      payments: lossy,
    });
    const url = await server.listen();
    try {
      const { order, returnId } = await returnIn(subgraph.handle, request, 'RECEIVED');
      const input = refundInput(returnId);
      const broken = await subgraphRequest(url, { query: REFUND_RETURN, ...input });
      assert.equal(broken.errors?.[0]?.extensions?.code, 'SERVICE_UNAVAILABLE');
      const [pending] = await refundRows(returnId);
      assert.equal(pending?.status, 'PENDING');
      assert.equal(await refundedByProvider(subgraph.handle, order), 2500);

      const retried = await subgraphRequest(url, { query: REFUND_RETURN, ...input });
      assert.equal(retried.data?.refundReturn.__typename, 'RefundReturnSuccess');
      assert.deepEqual(retried.data?.refundReturn.amount, { amount: '25.00', currencyCode: 'USD' });
      assert.equal(await refundedByProvider(subgraph.handle, order), 2500);
      const [row] = await subgraph.handle.db.select().from(returns).where(eq(returns.id, returnId));
      assert.deepEqual([row?.status, row?.refundedAmount], ['REFUNDED', 2500]);
    } finally {
      await server.stop();
    }
  });
});

describe('returns requested at once', { skip: racesNeedPostgres }, () => {
  it('accepts only one of two requests for the last units', async () => {
    const order = await insertAuthorizedOrder(subgraph.handle, placedOrder());
    const { lines } = await deliverOrder(subgraph.handle, order.id);
    const ask = () =>
      request(REQUEST_RETURN, {
        viewer: viewers.customer(ADA),
        variables: {
          input: {
            orderId: order.id,
            lines: [{ orderLineId: lines[0]!.id, quantity: 2 }],
            reason: 'Too big',
            idempotencyKey: key(),
          },
        },
      });
    const results = await Promise.all([ask(), ask()]);
    const kinds = results.map((response) => response.data?.requestReturn.__typename).sort();
    assert.deepEqual(kinds, ['RequestReturnSuccess', 'ReturnNotAllowedError']);
  });
});
