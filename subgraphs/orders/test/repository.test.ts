import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { eq, sql } from 'drizzle-orm';
import type { DatabaseHandle } from '@ordergraph/shared';
import { createTestDatabase } from '@ordergraph/shared/testing';
import { allocations, orderRequests, orders, payments } from '../src/db/schema.js';
import { createOrderRequestsRepository } from '../src/placing/order-requests.repository.js';
import { createOrdersRepository } from '../src/orders.repository.js';
import { migrationsFolder } from '../src/server.js';
import { ADA, ADDRESS, GRACE, insertOrder, placedOrder } from './support.js';

let handle: DatabaseHandle;
before(async () => {
  handle = await createTestDatabase({ name: 'orders_repo', migrationsFolder });
});
after(() => handle.close());

const repository = () => createOrdersRepository({ db: handle.db });

describe('orders repository', () => {
  it('writes a placed order with numbered lines, payment, allocations and its events', async () => {
    const placed = placedOrder({
      lines: [
        { sku: 'TEE-1', quantity: 3, unitPrice: 2500 },
        { sku: 'MUG-1', quantity: 1, unitPrice: 1200 },
      ],
    });
    placed.allocations = [
      { sku: 'TEE-1', warehouseId: 'east', quantity: 2 },
      { sku: 'MUG-1', warehouseId: 'west', quantity: 1 },
      { sku: 'TEE-1', warehouseId: 'west', quantity: 1 },
    ];
    const order = await insertOrder(handle, placed);
    const second = await insertOrder(handle);
    assert.equal(order.number, 'OG-100001');
    assert.equal(second.number, 'OG-100002');
    assert.deepEqual(
      { ...order, placedAt: undefined, updatedAt: undefined },
      {
        id: placed.id,
        number: 'OG-100001',
        customerId: ADA,
        status: 'CONFIRMED',
        paymentStatus: 'AUTHORIZED',
        currency: 'USD',
        subtotal: 8700,
        discountTotal: 0,
        shippingTotal: 500,
        taxTotal: 0,
        total: 9200,
        promoCode: null,
        shipName: ADDRESS.name,
        shipLine1: ADDRESS.line1,
        shipLine2: null,
        shipCity: ADDRESS.city,
        shipRegion: null,
        shipPostalCode: ADDRESS.postalCode,
        shipCountry: 'GB',
        placedAt: undefined,
        updatedAt: undefined,
      },
    );
    const lines = await repository().findLinesByOrderIds([order.id]);
    assert.deepEqual(
      lines.map(({ sku, position, quantity, unitPrice, total }) => ({
        sku,
        position,
        quantity,
        unitPrice,
        total,
      })),
      [
        { sku: 'TEE-1', position: 0, quantity: 3, unitPrice: 2500, total: 7500 },
        { sku: 'MUG-1', position: 1, quantity: 1, unitPrice: 1200, total: 1200 },
      ],
    );
    const [tee, mug] = lines as [(typeof lines)[0], (typeof lines)[0]];
    const stored = await handle.db
      .select()
      .from(allocations)
      .where(eq(allocations.orderId, order.id));
    assert.deepEqual(
      stored.map(({ orderLineId, warehouseId, quantity }) => ({
        orderLineId,
        warehouseId,
        quantity,
      })),
      [
        { orderLineId: tee.id, warehouseId: 'east', quantity: 2 },
        { orderLineId: mug.id, warehouseId: 'west', quantity: 1 },
        { orderLineId: tee.id, warehouseId: 'west', quantity: 1 },
      ],
    );
    const [payment] = await handle.db.select().from(payments).where(eq(payments.orderId, order.id));
    assert.deepEqual(
      { ...payment, id: undefined, createdAt: undefined, updatedAt: undefined },
      {
        id: undefined,
        orderId: order.id,
        provider: 'test',
        authorizationId: placed.payment.authorizationId,
        amount: 9200,
        currency: 'USD',
        status: 'AUTHORIZED',
        createdAt: undefined,
        updatedAt: undefined,
      },
    );
    const events = await repository().findEventsByOrderIds([order.id]);
    assert.deepEqual(
      events.map(({ streamType, streamId, type, payload }) => ({
        streamType,
        streamId,
        type,
        payload,
      })),
      [
        {
          streamType: 'order',
          streamId: order.id,
          type: 'order.placed',
          payload: {
            orderId: order.id,
            customerId: ADA,
            number: 'OG-100001',
            lines: [
              { id: tee.id, sku: 'TEE-1', quantity: 3, unitPrice: 2500, total: 7500 },
              { id: mug.id, sku: 'MUG-1', quantity: 1, unitPrice: 1200, total: 1200 },
            ],
            allocations: [
              { warehouseId: 'east', lines: [{ orderLineId: tee.id, sku: 'TEE-1', quantity: 2 }] },
              {
                warehouseId: 'west',
                lines: [
                  { orderLineId: mug.id, sku: 'MUG-1', quantity: 1 },
                  { orderLineId: tee.id, sku: 'TEE-1', quantity: 1 },
                ],
              },
            ],
            promoCode: null,
            currency: 'USD',
            subtotal: 8700,
            discountTotal: 0,
            shippingTotal: 500,
            taxTotal: 0,
            total: 9200,
            actor: { kind: 'CUSTOMER', id: ADA, name: null },
          },
        },
        {
          streamType: 'order',
          streamId: order.id,
          type: 'payment.authorized',
          payload: {
            orderId: order.id,
            paymentId: payment!.id,
            provider: 'test',
            authorizationId: placed.payment.authorizationId,
            amount: 9200,
            currency: 'USD',
            actor: { kind: 'CUSTOMER', id: ADA, name: null },
          },
        },
      ],
    );
  });

  it('writes nothing when the allocations do not cover the lines', async () => {
    const placed = placedOrder({ customerId: GRACE });
    placed.allocations = [{ sku: 'TEE-CLASSIC-BLK-M', warehouseId: 'wh-1', quantity: 1 }];
    await assert.rejects(insertOrder(handle, placed), /allocated 1 of TEE-CLASSIC-BLK-M/);
    assert.deepEqual(await repository().findByIds([placed.id]), []);
  });

  it('finds orders by id, skipping ids that are not uuids', async () => {
    const order = await insertOrder(handle);
    const found = await repository().findByIds([order.id, 'nope', randomUUID()]);
    assert.deepEqual(
      found.map((row) => row.id),
      [order.id],
    );
  });

  it('pages the orders of several customers in one statement, newest first', async () => {
    const alan = randomUUID();
    const linus = randomUUID();
    const ids: Record<string, string[]> = { [alan]: [], [linus]: [] };
    for (const customerId of [alan, linus, alan, alan, linus]) {
      ids[customerId]!.unshift((await insertOrder(handle, placedOrder({ customerId }))).id);
    }
    const before = handle.statements.count;
    const page = await repository().listForCustomers({
      customerIds: [alan, linus, 'not-a-uuid'],
      limit: 2,
      after: null,
      status: null,
    });
    assert.equal(handle.statements.count - before, 1);
    const byCustomer = (rows: typeof page, customerId: string) =>
      rows.filter((row) => row.customerId === customerId).map((row) => row.id);
    assert.deepEqual(byCustomer(page, alan), ids[alan]!.slice(0, 2));
    assert.deepEqual(byCustomer(page, linus), ids[linus]!.slice(0, 2));

    const last = page.find((row) => row.id === ids[alan]![1])!;
    const next = await repository().listForCustomers({
      customerIds: [alan],
      limit: 2,
      after: { placedAt: last.placedAt.toISOString(), id: last.id },
      status: null,
    });
    assert.deepEqual(
      next.map((row) => row.id),
      ids[alan]!.slice(2),
    );

    await handle.db.update(orders).set({ status: 'SHIPPED' }).where(eq(orders.id, ids[alan]![1]!));
    const shipped = await repository().listForCustomers({
      customerIds: [alan, linus],
      limit: 10,
      after: null,
      status: 'SHIPPED',
    });
    assert.deepEqual(
      shipped.map((row) => row.id),
      [ids[alan]![1]],
    );
  });
});

describe('order requests repository', () => {
  const requests = () => createOrderRequestsRepository({ db: handle.db });
  const newClaim = (key: string) => ({
    scope: ADA,
    key,
    attempt: randomUUID(),
    orderId: randomUUID(),
  });

  it('lets one attempt claim a key and only that attempt complete it', async () => {
    const claim = newClaim('key-1');
    assert.equal(await requests().claim({ ...claim, requestHash: 'h1' }), true);
    assert.equal(await requests().claim({ ...newClaim('key-1'), requestHash: 'h1' }), false);
    assert.equal(await requests().complete({ ...claim, attempt: randomUUID() }, {}), false);
    const result = { __typename: 'PlaceOrderSuccess', orderId: claim.orderId };
    assert.equal(await requests().complete(claim, result), true);
    assert.equal(await requests().complete(claim, result), false);
    const row = await requests().find({ scope: ADA, key: 'key-1' });
    assert.deepEqual(
      { status: row?.status, result: row?.result, orderId: row?.orderId, hash: row?.requestHash },
      { status: 'COMPLETED', result, orderId: claim.orderId, hash: 'h1' },
    );
  });

  it('releases a pending claim for its attempt only, never a completed one', async () => {
    const claim = newClaim('key-2');
    await requests().claim({ ...claim, requestHash: 'h' });
    assert.equal(await requests().release({ ...claim, attempt: randomUUID() }), false);
    assert.notEqual(await requests().find(claim), null);
    assert.equal(await requests().release(claim), true);
    assert.equal(await requests().find(claim), null);

    const done = newClaim('key-3');
    await requests().claim({ ...done, requestHash: 'h' });
    await requests().complete(done, { __typename: 'InvalidInputError' });
    assert.equal(await requests().release(done), false);
    assert.equal((await requests().find(done))?.status, 'COMPLETED');
  });

  it('takes over a stale pending claim under a new attempt, keeping the order id', async () => {
    const claim = newClaim('key-4');
    await requests().claim({ ...claim, requestHash: 'h' });
    const attempt = randomUUID();
    const fresh = await requests().takeOver({ ...claim, attempt, staleAfterMs: 60_000 });
    assert.equal(fresh, null);
    // a minute later, as the database's clock sees it
    await handle.db
      .update(orderRequests)
      .set({ claimedAt: sql`${orderRequests.claimedAt} - interval '61 seconds'` })
      .where(eq(orderRequests.idempotencyKey, 'key-4'));
    const taken = await requests().takeOver({ ...claim, attempt, staleAfterMs: 60_000 });
    assert.deepEqual(taken, {
      scope: ADA,
      key: 'key-4',
      attempt,
      orderId: claim.orderId,
      steps: [],
      authorizationId: null,
    });
    assert.equal(await requests().complete(claim, {}), false);
    assert.equal(await requests().complete(taken!, {}), true);
  });
});
