import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { eq, sql } from 'drizzle-orm';
import { hashRequest } from '@ordergraph/shared';
import { subgraphRequest, viewers } from '@ordergraph/shared/testing';
import { orderRequests } from '../src/db/schema.js';
import { createOrderRequestsRepository } from '../src/placing/order-requests.repository.js';
import { validatePlaceOrder, type OrderRequest } from '../src/placing/place-order-inputs.js';
import { GRACE } from './support.js';
import { ADDRESS, EAST, newKey, PLACE_ORDER, startTestbed, TEE, type Testbed } from './testbed.js';

let testbed: Testbed;
before(async () => {
  testbed = await startTestbed();
  await testbed.receive(TEE, EAST, 10);
});
after(() => testbed.stop());

const grace = viewers.customer(GRACE);
// nothing listens on port 9: a connection there is refused at once
const DEAD = 'http://127.0.0.1:9/graphql';

async function placeThrough(url: string, input: Record<string, unknown>) {
  return subgraphRequest(url, {
    query: PLACE_ORDER,
    viewer: grace,
    variables: {
      input: {
        idempotencyKey: newKey(),
        lines: [{ sku: TEE, quantity: 3 }],
        shippingAddress: ADDRESS,
        payment: { token: 'tok_visa' },
        promoCode: 'ONCE',
        ...input,
      },
    },
  });
}

/** asserts that `run` left orders and stock as they were */
async function changesNothing(run: () => Promise<void>) {
  const before = [await testbed.orderCount(), await testbed.stock(TEE)];
  await run();
  assert.deepEqual([await testbed.orderCount(), await testbed.stock(TEE)], before);
}

describe('placeOrder when something downstream is down', () => {
  it('releases stock and promo code when the payment provider is unreachable', async () => {
    const idempotencyKey = newKey();
    await changesNothing(async () => {
      for (let attempt = 0; attempt < 2; attempt++) {
        const response = await placeThrough(testbed.orders.url, {
          idempotencyKey,
          payment: { token: 'tok_unavailable' },
        });
        assert.deepEqual(response.data, null);
        assert.equal(response.errors?.[0]?.message, 'The payment provider is unavailable.');
        assert.equal(response.errors?.[0]?.extensions?.code, 'SERVICE_UNAVAILABLE');
      }
    });
    assert.equal(await testbed.promoUsable('ONCE'), true);
    // the failed attempt gave its key up: a retry runs afresh
    const retry = await placeThrough(testbed.orders.url, { idempotencyKey, promoCode: null });
    assert.equal(retry.data?.placeOrder.__typename, 'PlaceOrderSuccess');
  });

  it('releases the promo code when the inventory is unreachable', async () => {
    const orders = await testbed.ordersServer({ inventoryUrl: DEAD });
    try {
      await changesNothing(async () => {
        const response = await placeThrough(orders.url, {});
        assert.equal(response.errors?.[0]?.extensions?.code, 'SERVICE_UNAVAILABLE');
        assert.match(response.errors?.[0]?.message ?? '', /unreachable/);
      });
      assert.equal(await testbed.promoUsable('ONCE'), true);
    } finally {
      await orders.stop();
    }
  });

  it('does nothing when the catalog is unreachable', async () => {
    const orders = await testbed.ordersServer({ catalogUrl: DEAD });
    try {
      await changesNothing(async () => {
        const response = await placeThrough(orders.url, {});
        assert.equal(response.errors?.[0]?.extensions?.code, 'SERVICE_UNAVAILABLE');
      });
    } finally {
      await orders.stop();
    }
  });
});

describe('placeOrder and claims held by other requests', () => {
  const requests = () => createOrderRequestsRepository({ db: testbed.orders.handle.db });
  const input = (idempotencyKey: string) => ({
    idempotencyKey,
    lines: [{ sku: TEE, quantity: 1 }],
    shippingAddress: ADDRESS,
    payment: { token: 'tok_visa' },
    promoCode: null,
  });
  const hashOf = (idempotencyKey: string) =>
    hashRequest(validatePlaceOrder(input(idempotencyKey), GRACE) as OrderRequest);

  it('gives up waiting for a request that is still running', async () => {
    const key = newKey();
    await requests().claim({
      scope: GRACE,
      key,
      attempt: randomUUID(),
      orderId: randomUUID(),
      requestHash: hashOf(key),
    });
    const orders = await testbed.ordersServer({ claimTiming: { waitTimeoutMs: 200 } });
    try {
      const response = await subgraphRequest(orders.url, {
        query: PLACE_ORDER,
        viewer: grace,
        variables: { input: input(key) },
      });
      assert.deepEqual(response.errors?.[0]?.extensions?.code, 'SERVICE_UNAVAILABLE');
      assert.match(response.errors?.[0]?.message ?? '', /still being processed/);
    } finally {
      await orders.stop();
    }
  });

  it('takes over a request abandoned by a process that died, under its order id', async () => {
    const key = newKey();
    const orderId = randomUUID();
    await requests().claim({
      scope: GRACE,
      key,
      attempt: randomUUID(),
      orderId,
      requestHash: hashOf(key),
    });
    await testbed.orders.handle.db
      .update(orderRequests)
      .set({ claimedAt: sql`now() - interval '1 hour'` })
      .where(eq(orderRequests.idempotencyKey, key));
    const response = await testbed.request(PLACE_ORDER, {
      viewer: grace,
      variables: { input: input(key) },
    });
    assert.equal(response.data?.placeOrder.__typename, 'PlaceOrderSuccess');
    assert.equal(response.data?.placeOrder.order.id, orderId);
  });
});
