import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { asc, sql } from 'drizzle-orm';
import {
  readEvents,
  type ConsumedEvent,
  type DatabaseHandle,
  transaction,
} from '@ordergraph/shared';
import { createTestDatabase, testLogger } from '@ordergraph/shared/testing';
import { createNotificationHandler } from '../src/consumers.js';
import { notifications } from '../src/db/schema.js';
import type { SourceService } from '../src/notifications.js';
import { createNotificationsRepository } from '../src/notifications.repository.js';
import { seedDemoData } from '../src/seed.js';
import { migrationsFolder } from '../src/server.js';
import { ADA, consumed, GRACE, ORDER_ID, payloads, readAs, SHIPMENT_ID } from './events.js';

let handle: DatabaseHandle;
const log = testLogger('customers');
const handlers = {
  orders: createNotificationHandler({ source: 'orders', log }),
  shipments: createNotificationHandler({ source: 'shipments', log }),
};

/** handles an event as the consumer does: in a transaction of the customers database */
const receive = (source: SourceService, event: ConsumedEvent) =>
  transaction(handle.db, (tx) => handlers[source](readAs(source, event), tx));

const stored = () =>
  handle.db
    .select({
      customerId: notifications.customerId,
      kind: notifications.kind,
      title: notifications.title,
      orderId: notifications.orderId,
      orderNumber: notifications.orderNumber,
      shipmentId: notifications.shipmentId,
      sourceService: notifications.sourceService,
      sourceSeq: notifications.sourceSeq,
      deliveredAt: notifications.deliveredAt,
      attempts: notifications.attempts,
    })
    .from(notifications)
    .orderBy(asc(notifications.seq));

before(async () => {
  handle = await createTestDatabase({ name: 'customers', migrationsFolder });
  await seedDemoData(handle);
});
beforeEach(() => handle.db.execute(sql`delete from notifications`));
after(() => handle.close());

describe('the orders and shipments event handlers', () => {
  it('make one notification of an event handled twice', async () => {
    const placed = consumed(7, 'order.placed', payloads.placed);
    await receive('orders', placed);
    await receive('orders', placed);
    assert.deepEqual(await stored(), [
      {
        customerId: ADA,
        kind: 'ORDER_CONFIRMED',
        title: 'Order OG-100042 is confirmed',
        orderId: ORDER_ID,
        orderNumber: 'OG-100042',
        shipmentId: null,
        sourceService: 'orders',
        sourceSeq: 7,
        deliveredAt: null,
        attempts: 0,
      },
    ]);
  });

  it('tell each producer apart: the same seq from orders and from shipments are two events', async () => {
    await receive('orders', consumed(8, 'order.placed', payloads.placed));
    await receive('shipments', consumed(8, 'shipment.shipped', payloads.shipped));
    const rows = await stored();
    assert.deepEqual(
      rows.map((row) => [row.sourceService, row.sourceSeq, row.kind]),
      [
        ['orders', 8, 'ORDER_CONFIRMED'],
        ['shipments', 8, 'ORDER_SHIPPED'],
      ],
    );
  });

  it('name the order in shipment news by the number its confirmation recorded', async () => {
    await receive('orders', consumed(1, 'order.placed', payloads.placed));
    await receive('shipments', consumed(1, 'shipment.shipped', payloads.shipped));
    await receive('shipments', consumed(2, 'shipment.out_for_delivery', payloads.outForDelivery));
    await receive('shipments', consumed(3, 'shipment.delivered', payloads.delivered));
    await receive('orders', consumed(2, 'refund.issued', payloads.refunded));
    const rows = await stored();
    assert.deepEqual(
      rows.map((row) => [row.kind, row.title, row.shipmentId, row.orderNumber]),
      [
        ['ORDER_CONFIRMED', 'Order OG-100042 is confirmed', null, 'OG-100042'],
        ['ORDER_SHIPPED', 'Order OG-100042 has shipped', SHIPMENT_ID, 'OG-100042'],
        ['OUT_FOR_DELIVERY', 'Order OG-100042 is out for delivery', SHIPMENT_ID, 'OG-100042'],
        ['ORDER_DELIVERED', 'Order OG-100042 was delivered', SHIPMENT_ID, 'OG-100042'],
        ['REFUND_ISSUED', 'Refund issued for order OG-100042', null, 'OG-100042'],
      ],
    );
  });

  it('greet the customer by the name in the customers table', async () => {
    await receive(
      'orders',
      consumed(3, 'order.cancelled', { ...payloads.cancelled, customerId: GRACE }),
    );
    const [row] = await handle.db.select().from(notifications);
    assert.equal(row?.customerId, GRACE);
    assert.match(row?.message ?? '', /^Hello Grace Hopper, your order OG-100042 has been/);
  });

  it('skip events that notify nobody, and events for customers this service does not know', async () => {
    await receive('orders', consumed(4, 'payment.authorized', payloads.authorized));
    await receive('shipments', consumed(4, 'shipment.created', payloads.shipped));
    await receive(
      'orders',
      consumed(5, 'order.placed', {
        ...payloads.placed,
        customerId: '00000000-0000-4000-8000-0000000000ff',
      }),
    );
    await receive('orders', consumed(6, 'order.placed', { ...payloads.placed, customerId: 'x' }));
    assert.deepEqual(await stored(), []);
  });

  it('append notification.created to the service log, once', async () => {
    const before = (await readEvents(handle.db, { limit: 1000 })).at(-1)?.seq ?? 0;
    const placed = consumed(9, 'order.placed', payloads.placed);
    await receive('orders', placed);
    await receive('orders', placed);
    const [row] = await handle.db.select().from(notifications);
    const events = await readEvents(handle.db, { after: before });
    assert.deepEqual(
      events.map(({ streamType, streamId, type, payload }) => ({
        streamType,
        streamId,
        type,
        payload,
      })),
      [
        {
          streamType: 'notification',
          streamId: row!.id,
          type: 'notification.created',
          payload: { notificationId: row!.id, customerId: ADA, kind: 'ORDER_CONFIRMED' },
        },
      ],
    );
  });

  it('roll back with the transaction that failed after them', async () => {
    await assert.rejects(
      transaction(handle.db, async (tx) => {
        await handlers.orders(readAs('orders', consumed(10, 'order.placed', payloads.placed)), tx);
        throw new Error('the cursor update failed');
      }),
    );
    assert.deepEqual(await stored(), []);
  });
});

describe('the notifications repository', () => {
  it('finds an order number only from notifications that recorded one', async () => {
    const repository = createNotificationsRepository({ db: handle.db });
    assert.equal(await repository.findOrderNumber(ORDER_ID), null);
    await receive('shipments', consumed(11, 'shipment.shipped', payloads.shipped));
    assert.equal(await repository.findOrderNumber(ORDER_ID), null);
    await receive('orders', consumed(11, 'order.placed', payloads.placed));
    assert.equal(await repository.findOrderNumber(ORDER_ID), 'OG-100042');
  });
});
