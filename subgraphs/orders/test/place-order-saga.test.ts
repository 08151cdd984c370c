import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eq } from 'drizzle-orm';
import { viewers } from '@ordergraph/shared/testing';
import { orderRequests } from '../src/db/schema.js';
import { GRACE } from './support.js';
import { EAST, newKey, startTestbed, TEE, type Testbed } from './testbed.js';

let testbed: Testbed;
before(async () => {
  testbed = await startTestbed();
  await testbed.receive(TEE, EAST, 10);
});
after(() => testbed.stop());

const grace = viewers.customer(GRACE);

/** the saga's record of the request placed with `key` */
async function recorded(key: string) {
  const [row] = await testbed.orders.handle.db
    .select()
    .from(orderRequests)
    .where(eq(orderRequests.idempotencyKey, key));
  assert.ok(row);
  return {
    status: row.status,
    steps: row.steps,
    authorized: row.authorizationId !== null,
    settled: row.settledAt !== null,
  };
}

describe('placeOrder records its steps as it goes', () => {
  it('records every step of a placed order, then the confirmation of its reservation', async () => {
    const idempotencyKey = newKey();
    const response = await testbed.place({ idempotencyKey, promoCode: 'FIVEOFF' }, grace);
    assert.equal(response.data?.placeOrder.__typename, 'PlaceOrderSuccess');
    assert.deepEqual(await recorded(idempotencyKey), {
      status: 'COMPLETED',
      steps: [
        'QUOTED',
        'PROMO_REDEEMED',
        'STOCK_RESERVED',
        'PAYMENT_AUTHORIZED',
        'COMMITTED',
        'CONFIRMED',
      ],
      authorized: true,
      settled: true,
    });
  });

  it('records the steps a declined order began, and settles once they are undone', async () => {
    const idempotencyKey = newKey();
    const before = await testbed.stock(TEE);
    const response = await testbed.place(
      { idempotencyKey, payment: { token: 'tok_declined' } },
      grace,
    );
    assert.equal(response.data?.placeOrder.__typename, 'PaymentDeclinedError');
    assert.deepEqual(await recorded(idempotencyKey), {
      status: 'COMPLETED',
      steps: ['QUOTED', 'STOCK_RESERVED', 'PAYMENT_AUTHORIZED'],
      authorized: false,
      settled: true,
    });
    assert.deepEqual(await testbed.stock(TEE), before);
  });

  it('records nothing but the claim when the quote refuses the order', async () => {
    const idempotencyKey = newKey();
    const response = await testbed.place(
      { idempotencyKey, lines: [{ sku: 'NOPE-1', quantity: 1 }] },
      grace,
    );
    assert.equal(response.data?.placeOrder.__typename, 'UnknownSkuError');
    assert.deepEqual(await recorded(idempotencyKey), {
      status: 'COMPLETED',
      steps: [],
      authorized: false,
      settled: true,
    });
  });
});
