import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { and, asc, eq, like, sql } from 'drizzle-orm';
import { eventLog } from '@ordergraph/shared';
import {
  testLogger,
  TEST_SIGNING_SECRET,
  viewers,
  type TestSubgraph,
} from '@ordergraph/shared/testing';
import { createCatalogClient } from '../src/clients/catalog.js';
import { createInventoryClient } from '../src/clients/inventory.js';
import { refunds, returns, testPaymentAnswers } from '../src/db/schema.js';
import type { PaymentProvider } from '../src/payments/payment-provider.js';
import { createTestPaymentProvider } from '../src/payments/test-provider.js';
import { createRefundFlow } from '../src/returns/refund-flow.js';
import { createSagaEffects } from '../src/placing/saga-effects.js';
import { startSagaRecovery, type SagaRecovery } from '../src/placing/saga-recovery.js';
import { key, refundedByProvider, returnIn } from './returns-support.js';
import { ADA, startOrders, type Request } from './support.js';

const AFTER_MS = 60_000;
const log = testLogger('refund-recovery');

let subgraph: TestSubgraph;
let request: Request;
let recovery: SagaRecovery;
let provider: PaymentProvider;
// while true, recovery finds the provider out of reach
let outage = false;

before(async () => {
  ({ subgraph, request } = await startOrders());
  provider = createTestPaymentProvider({ db: subgraph.handle.db });
  const signingSecret = TEST_SIGNING_SECRET;
  // no placeOrder attempt is left to recover here: catalog and inventory are never called
  const nowhere = 'http://127.0.0.1:9/graphql';
  recovery = startSagaRecovery({
    handle: subgraph.handle,
    effects: createSagaEffects({
      catalog: createCatalogClient({ url: nowhere, signingSecret }),
      inventory: createInventoryClient({ url: nowhere, signingSecret }),
      payments: provider,
      log,
    }),
    refunds: createRefundFlow({
      db: subgraph.handle.db,
      payments: {
        ...provider,
        refund: (call) =>
          outage ? Promise.reject(new Error('connect ECONNREFUSED')) : provider.refund(call),
      },
    }),
    afterMs: AFTER_MS,
    log,
    // sweeps are asked for by the tests
    pollIntervalMs: 3_600_000,
  });
});
after(async () => {
  await recovery.stop();
  await subgraph.stop();
});

/** the provider refunds, then the connection breaks before its answer arrives */
const answerLost = (): PaymentProvider => ({
  ...provider,
  refund: async (call) => {
    await provider.refund(call);
    throw new Error('connection reset');
  },
});
/** the provider cannot be reached at all */
const unreachable = (): PaymentProvider => ({
  ...provider,
  refund: () => Promise.reject(new Error('connect ECONNREFUSED')),
});

/** refundReturn of the whole return through `payments`, under `idempotencyKey` */
const refundThrough = (payments: PaymentProvider, returnId: string, idempotencyKey: string) =>
  createRefundFlow({ db: subgraph.handle.db, payments }).refundReturn({
    viewer: viewers.staff(),
    returnId,
    request: { amount: null },
    input: { returnId, idempotencyKey },
    idempotencyKey,
  });

/** a refundReturn whose process dies once its refunds are PENDING: nobody retries it yet */
async function brokenOff(returnId: string, payments: PaymentProvider): Promise<string> {
  const idempotencyKey = key('refund');
  await assert.rejects(
    refundThrough(payments, returnId, idempotencyKey),
    (error: { extensions?: { code?: string } }) => error.extensions?.code === 'SERVICE_UNAVAILABLE',
  );
  return idempotencyKey;
}

/** leaves the return's PENDING refunds untouched for longer than recovery waits */
const age = (returnId: string) =>
  subgraph.handle.db
    .update(refunds)
    .set({ touchedAt: sql`now() - ${AFTER_MS + 1_000}::integer * interval '1 millisecond'` })
    .where(eq(refunds.returnId, returnId));

const refundsOf = async (returnId: string) =>
  (
    await subgraph.handle.db
      .select()
      .from(refunds)
      .where(eq(refunds.returnId, returnId))
      .orderBy(asc(refunds.createdAt))
  ).map(({ status, amount, providerKey, providerRefundId }) => ({
    status,
    amount,
    providerKey,
    paid: providerRefundId !== null,
  }));

const returnOf = async (returnId: string) => {
  const [row] = await subgraph.handle.db.select().from(returns).where(eq(returns.id, returnId));
  return { status: row?.status, refundedAmount: row?.refundedAmount };
};

const refundEvents = async (orderId: string) =>
  (
    await subgraph.handle.db
      .select()
      .from(eventLog)
      .where(and(eq(eventLog.streamId, orderId), eq(eventLog.type, 'refund.issued')))
  ).map(({ payload }) => payload);

/** the refunds the provider has recorded for the return, one per idempotency key */
const providerRefunds = async (returnId: string) =>
  (
    await subgraph.handle.db
      .select({ key: testPaymentAnswers.key })
      .from(testPaymentAnswers)
      .where(like(testPaymentAnswers.key, `refund:refund:${returnId}:%`))
  ).length;

describe('recovery of refunds left PENDING', () => {
  it('pays back a refund whose answer was lost with its process, once', async () => {
    const { order, returnId } = await returnIn(subgraph.handle, request, 'RECEIVED');
    const idempotencyKey = await brokenOff(returnId, answerLost());
    assert.equal(await refundedByProvider(subgraph.handle, order), 2500);
    const [pending, ...others] = await refundsOf(returnId);
    assert.deepEqual([pending?.status, others], ['PENDING', []]);
    const providerKey = pending!.providerKey;

    await age(returnId);
    assert.equal(await recovery.sweep(), 1);
    const paid = {
      refunds: [{ status: 'REFUNDED', amount: 2500, providerKey, paid: true }],
      return: { status: 'REFUNDED', refundedAmount: 2500 },
      events: [
        {
          orderId: order.id,
          customerId: ADA,
          returnId,
          amount: 2500,
          currency: 'USD',
          // recovery finished it, but staff asked for it: the timeline names them
          actor: { kind: 'STAFF', id: 'staff-1', name: null },
        },
      ],
      refunded: 2500,
      providerRefunds: 1,
    };
    const now = async () => ({
      refunds: await refundsOf(returnId),
      return: await returnOf(returnId),
      events: await refundEvents(order.id),
      refunded: await refundedByProvider(subgraph.handle, order),
      providerRefunds: await providerRefunds(returnId),
    });
    assert.deepEqual(await now(), paid);

    assert.equal(await recovery.sweep(), 0);
    assert.deepEqual(await now(), paid);
    // the caller that never got an answer retries: the return is refunded already, paid once
    assert.deepEqual(await refundThrough(provider, returnId, idempotencyKey), {
      __typename: 'InvalidReturnTransitionError',
      message: 'A refunded return cannot become refunded.',
      from: 'REFUNDED',
      to: 'REFUNDED',
    });
    assert.deepEqual(await now(), paid);
  });

  it('leaves a refund younger than afterMs alone, and pays it once it is older', async () => {
    const { order, returnId } = await returnIn(subgraph.handle, request, 'RECEIVED');
    await brokenOff(returnId, unreachable());
    assert.equal(await recovery.sweep(), 0);
    assert.deepEqual(
      (await refundsOf(returnId)).map(({ status }) => status),
      ['PENDING'],
    );
    assert.equal(await refundedByProvider(subgraph.handle, order), 0);
    assert.equal(await providerRefunds(returnId), 0);

    await age(returnId);
    assert.equal(await recovery.sweep(), 1);
    assert.deepEqual(await returnOf(returnId), { status: 'REFUNDED', refundedAmount: 2500 });
    assert.equal(await refundedByProvider(subgraph.handle, order), 2500);
    assert.equal(await providerRefunds(returnId), 1);
    assert.equal((await refundEvents(order.id)).length, 1);
    assert.equal(await recovery.sweep(), 0);
  });

  it('tries a refund again afterMs later while the provider is out of reach', async () => {
    const { order, returnId } = await returnIn(subgraph.handle, request, 'RECEIVED');
    await brokenOff(returnId, unreachable());
    await age(returnId);
    outage = true;
    try {
      assert.equal(await recovery.sweep(), 0);
    } finally {
      outage = false;
    }
    assert.deepEqual(
      (await refundsOf(returnId)).map(({ status }) => status),
      ['PENDING'],
    );
    // touched by the failed attempt: the provider is back, but the refund waits its turn
    assert.equal(await recovery.sweep(), 0);
    assert.equal(await refundedByProvider(subgraph.handle, order), 0);

    await age(returnId);
    assert.equal(await recovery.sweep(), 1);
    assert.deepEqual(await returnOf(returnId), { status: 'REFUNDED', refundedAmount: 2500 });
    assert.equal(await refundedByProvider(subgraph.handle, order), 2500);
    assert.equal(await providerRefunds(returnId), 1);
  });
});
