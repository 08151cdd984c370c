import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { count } from 'drizzle-orm';
import { racesNeedPostgres, viewers } from '@ordergraph/shared/testing';
import { testPaymentAuthorizations } from '../src/db/schema.js';
import { GRACE } from './support.js';
import { EAST, newKey, startTestbed, TEE, WEST, type Testbed } from './testbed.js';

const CANDLE = 'CANDLE-FIG';

let testbed: Testbed;
before(async () => {
  testbed = await startTestbed();
  await testbed.receive(TEE, EAST, 10);
  await testbed.receive(CANDLE, EAST, 6);
  await testbed.receive(CANDLE, WEST, 4);
});
after(() => testbed.stop());

/** every authorization the payment provider has made, voided or not */
const authorizations = async () => {
  const [row] = await testbed.orders.handle.db
    .select({ n: count() })
    .from(testPaymentAuthorizations);
  return row?.n ?? 0;
};

describe('placeOrder under concurrency', { skip: racesNeedPostgres }, () => {
  it('places one order, and authorizes one payment, when ten calls race with the same key', async () => {
    const authorizedBefore = await authorizations();
    const input = { idempotencyKey: newKey(), lines: [{ sku: TEE, quantity: 2 }] };
    const results = await Promise.all(
      Array.from({ length: 10 }, () => testbed.place(input, viewers.customer(GRACE))),
    );
    const ids = new Set(results.map((result) => result.data?.placeOrder.order?.id));
    assert.equal(ids.size, 1);
    assert.ok([...ids][0]);
    assert.equal(await testbed.orderCount(), 1);
    assert.deepEqual(await testbed.stock(TEE), { available: 8, reserved: 2 });
    assert.equal(await authorizations(), authorizedBefore + 1);
  });

  it('sells exactly the 10 units there are to 50 customers racing for them', async () => {
    const before = await testbed.orderCount();
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        testbed.place({ lines: [{ sku: CANDLE, quantity: 1 }] }, viewers.customer(randomUUID())),
      ),
    );
    const outcomes = results.map((result) => result.data?.placeOrder.__typename ?? result.errors);
    assert.equal(outcomes.filter((name) => name === 'PlaceOrderSuccess').length, 10);
    assert.equal(outcomes.filter((name) => name === 'InsufficientStockError').length, 40);
    assert.deepEqual(await testbed.stock(CANDLE), { available: 0, reserved: 10 });
    assert.equal(await testbed.orderCount(), before + 10);
  });
});
