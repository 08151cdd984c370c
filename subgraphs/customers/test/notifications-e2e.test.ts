import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { type DatabaseHandle } from '@ordergraph/shared';
import { subgraphRequest, viewers } from '@ordergraph/shared/testing';
import type { NotificationSender } from '../src/senders.js';
import { ADA } from './events.js';
import { latestSeq, startCustomersDatabase, startProducers, type Producers } from './testbed.js';

let producers: Producers;
let customers: Awaited<ReturnType<typeof startCustomersDatabase>>;
let handle: DatabaseHandle;

const NOTIFICATIONS = `{ me { notifications { nodes { kind title orderId channel deliveredAt } } } }`;

/** a sender at the edge of the world: records what it sends, or refuses everything */
function recordingSender({ failing = false } = {}) {
  const sent: { title: string; to: string }[] = [];
  const sender: NotificationSender = {
    channel: 'EMAIL',
    async send(notification, customer) {
      if (failing) throw new Error('mail server unreachable');
      sent.push({ title: notification.title, to: customer.email });
    },
  };
  return { sender, sent };
}

const adasNotifications = async (url: string) =>
  (await subgraphRequest(url, { query: NOTIFICATIONS, viewer: viewers.customer(ADA) })).data?.me
    .notifications.nodes as {
    kind: string;
    title: string;
    orderId: string;
    channel: string | null;
    deliveredAt: string | null;
  }[];

before(async () => {
  producers = await startProducers();
  customers = await startCustomersDatabase();
  handle = customers.handle;
});
after(async () => {
  await producers.stop();
  await handle.close();
});

describe('notifications from the real orders service', () => {
  let first: { id: string; number: string };

  it('tell the customer once that their order is confirmed', async () => {
    const { sender, sent } = recordingSender();
    const { url, server } = await customers.start({ ordersUrl: producers.orders.url, sender });
    first = await producers.placeOrder(viewers.customer(ADA));
    // the consumer has handled everything the orders log holds; then the outbox is sent
    await server.consumers.caughtUp({ orders: await latestSeq(producers.orders.handle) });
    await server.dispatcher.drain();
    const nodes = await adasNotifications(url);
    await server.stop();
    assert.deepEqual(
      nodes.map((node) => ({ ...node, deliveredAt: typeof node.deliveredAt })),
      [
        {
          kind: 'ORDER_CONFIRMED',
          title: `Order ${first.number} is confirmed`,
          orderId: first.id,
          channel: 'EMAIL',
          deliveredAt: 'string',
        },
      ],
    );
    assert.deepEqual(sent, [
      { title: `Order ${first.number} is confirmed`, to: 'ada@example.com' },
    ]);
  });

  it('makes no second notification when the whole feed is delivered again', async () => {
    await handle.db.execute(
      sql`update event_cursors set position = 0 where consumer = 'customers:orders'`,
    );
    const { sender, sent } = recordingSender();
    const { url, server } = await customers.start({ ordersUrl: producers.orders.url, sender });
    await server.consumers.caughtUp({ orders: await latestSeq(producers.orders.handle) });
    await server.dispatcher.drain();
    const nodes = await adasNotifications(url);
    await server.stop();
    assert.deepEqual(
      nodes.map((node) => node.title),
      [`Order ${first.number} is confirmed`],
    );
    assert.deepEqual(sent, []);
  });

  it('keeps recording notifications while the sender fails, and sends them once it works', async () => {
    const failing = recordingSender({ failing: true });
    const down = await customers.start({ ordersUrl: producers.orders.url, sender: failing.sender });
    const second = await producers.placeOrder(viewers.customer(ADA));
    const third = await producers.placeOrder(viewers.customer(ADA));
    await down.server.consumers.caughtUp({ orders: await latestSeq(producers.orders.handle) });
    await down.server.dispatcher.drain();
    const undelivered = await adasNotifications(down.url);
    await down.server.stop();
    assert.deepEqual(
      undelivered.map(({ title, channel }) => ({ title, channel })),
      [
        { title: `Order ${third.number} is confirmed`, channel: null },
        { title: `Order ${second.number} is confirmed`, channel: null },
        { title: `Order ${first.number} is confirmed`, channel: 'EMAIL' },
      ],
    );

    // the mail server is back; the retries are due at once
    await handle.db.execute(
      sql`update notifications set next_attempt_at = now() where delivered_at is null`,
    );
    const working = recordingSender();
    const up = await customers.start({ ordersUrl: producers.orders.url, sender: working.sender });
    await up.server.dispatcher.drain();
    await up.server.stop();
    assert.deepEqual(working.sent.map((mail) => mail.title).sort(), [
      `Order ${second.number} is confirmed`,
      `Order ${third.number} is confirmed`,
    ]);
  });
});
