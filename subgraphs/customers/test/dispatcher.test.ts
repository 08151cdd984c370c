import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { asc, sql } from 'drizzle-orm';
import { LeaseLostError, readEvents, type DatabaseHandle, type Logger } from '@ordergraph/shared';
import { createTestDatabase, racesNeedPostgres, testLogger } from '@ordergraph/shared/testing';
import { notifications, type NotificationRow } from '../src/db/schema.js';
import { DISPATCHER_LEASE, startNotificationDispatcher } from '../src/dispatcher.js';
import { createLogSender, type NotificationSender } from '../src/senders.js';
import { seedDemoData } from '../src/seed.js';
import { migrationsFolder } from '../src/server.js';
import { ADA, consumed, GRACE, payloads } from './events.js';
import { receive, recordStatements } from './support.js';

let handle: DatabaseHandle;
const log = testLogger('customers');
let seq = 0;

/** a notification for Ada, committed as the orders consumer commits it */
const notifyAda = () => receive(handle, 'orders', consumed(++seq, 'order.placed', payloads.placed));

const rows = () =>
  handle.db
    .select({
      title: notifications.title,
      channel: notifications.channel,
      attempts: notifications.attempts,
      lastError: notifications.lastError,
      delivered: sql<boolean>`${notifications.deliveredAt} is not null`,
      retryInMs: sql<
        number | null
      >`extract(epoch from ${notifications.nextAttemptAt} - now()) * 1000`,
    })
    .from(notifications)
    .orderBy(asc(notifications.seq));

/** the edge of the world: a sender that fails its first `failures` sends */
function flakySender(failures: number) {
  const sent: string[] = [];
  let calls = 0;
  const sender: NotificationSender = {
    channel: 'EMAIL',
    async send(notification) {
      calls += 1;
      if (calls <= failures) throw new Error(`mail server said no (${calls})`);
      sent.push(notification.id);
    },
  };
  return { sender, sent, calls: () => calls };
}

before(async () => {
  handle = await createTestDatabase({ name: 'customers', migrationsFolder });
  await seedDemoData(handle);
});
beforeEach(() => handle.db.execute(sql`delete from notifications`));
after(() => handle.close());

describe('the notification dispatcher', () => {
  it('sends each committed notification once through the log sender, and records it', async () => {
    const lines: Record<string, unknown>[] = [];
    const capture = {
      info: (fields: object, message: string) => lines.push({ ...fields, message }),
    } as unknown as Logger;
    await notifyAda();
    await receive(
      handle,
      'orders',
      consumed(++seq, 'order.cancelled', { ...payloads.cancelled, customerId: GRACE }),
    );
    const dispatcher = await startNotificationDispatcher({
      handle,
      sender: createLogSender(capture),
      log,
    });
    await dispatcher.drain();
    await dispatcher.drain();
    await dispatcher.stop();
    const [ada, grace] = await handle.db
      .select()
      .from(notifications)
      .orderBy(asc(notifications.seq));
    assert.deepEqual(lines, [
      {
        notificationId: ada!.id,
        customerId: ADA,
        to: 'ada@example.com',
        kind: 'ORDER_CONFIRMED',
        title: 'Order OG-100042 is confirmed',
        text: ada!.message,
        message: 'customer notification',
      },
      {
        notificationId: grace!.id,
        customerId: GRACE,
        to: 'grace@example.com',
        kind: 'ORDER_CANCELLED',
        title: 'Order OG-100042 is cancelled',
        text: grace!.message,
        message: 'customer notification',
      },
    ]);
    assert.deepEqual(
      (await rows()).map(({ channel, attempts, delivered, retryInMs }) => ({
        channel,
        attempts,
        delivered,
        retryInMs,
      })),
      [
        { channel: 'LOG', attempts: 1, delivered: true, retryInMs: null },
        { channel: 'LOG', attempts: 1, delivered: true, retryInMs: null },
      ],
    );
    const delivered = (
      await readEvents(handle.db, { streamType: 'notification', streamId: ada!.id })
    )
      .filter((event) => event.type === 'notification.delivered')
      .map((event) => event.payload);
    assert.deepEqual(delivered, [{ notificationId: ada!.id, customerId: ADA, channel: 'LOG' }]);
  });

  it('retries a failing sender until it delivers', async () => {
    await notifyAda();
    const flaky = flakySender(3);
    const dispatcher = await startNotificationDispatcher({
      handle,
      sender: flaky.sender,
      log,
      retryDelay: () => 0,
    });
    await dispatcher.drain();
    await dispatcher.stop();
    const [row] = await handle.db.select().from(notifications);
    assert.equal(flaky.calls(), 4);
    assert.deepEqual(flaky.sent, [row!.id]);
    assert.deepEqual(await rows(), [
      {
        title: 'Order OG-100042 is confirmed',
        channel: 'EMAIL',
        attempts: 4,
        lastError: null,
        delivered: true,
        retryInMs: null,
      },
    ]);
  });

  it('waits longer after each failure before trying again', async () => {
    await notifyAda();
    const flaky = flakySender(1);
    const delays: number[] = [];
    const dispatcher = await startNotificationDispatcher({
      handle,
      sender: flaky.sender,
      log,
      retryDelay: (attempts) => (delays.push(attempts), 60_000),
    });
    await dispatcher.drain();
    await dispatcher.stop();
    const [row] = await rows();
    assert.deepEqual(
      { ...row, retryInMs: undefined },
      {
        title: 'Order OG-100042 is confirmed',
        channel: null,
        attempts: 1,
        lastError: 'mail server said no (1)',
        delivered: false,
        retryInMs: undefined,
      },
    );
    assert.ok(row!.retryInMs! > 55_000 && row!.retryInMs! <= 60_000, String(row!.retryInMs));
    assert.deepEqual(delays, [1]);
    assert.equal(flaky.calls(), 1);
  });

  it('gives up after the last attempt, and times out a sender that does not answer', async () => {
    await notifyAda();
    const hanging: NotificationSender = { channel: 'EMAIL', send: () => new Promise(() => {}) };
    const dispatcher = await startNotificationDispatcher({
      handle,
      sender: hanging,
      log,
      retryDelay: () => 0,
      maxAttempts: 3,
      sendTimeoutMs: 20,
    });
    await dispatcher.drain();
    await dispatcher.stop();
    assert.deepEqual(await rows(), [
      {
        title: 'Order OG-100042 is confirmed',
        channel: null,
        attempts: 3,
        lastError: 'the sender did not answer within 20 ms',
        delivered: false,
        retryInMs: null,
      },
    ]);
  });

  it('is woken by the commit of a notification, without waiting for its timer', async () => {
    let sent!: (row: NotificationRow) => void;
    const delivered = new Promise<NotificationRow>((resolve) => (sent = resolve));
    const dispatcher = await startNotificationDispatcher({
      handle,
      sender: { channel: 'EMAIL', send: async (notification) => sent(notification) },
      log,
      intervalMs: 3_600_000,
    });
    await dispatcher.drain();
    await notifyAda();
    const notification = await delivered;
    await dispatcher.stop();
    assert.equal(notification.title, 'Order OG-100042 is confirmed');
  });

  it('takes no notification once another replica has taken its lease over', async () => {
    const sent: string[] = [];
    const dispatcher = await startNotificationDispatcher({
      handle,
      sender: { channel: 'EMAIL', send: async (notification) => void sent.push(notification.id) },
      log,
      intervalMs: 3_600_000,
      leaseTtlMs: 60_000,
    });
    await dispatcher.drain();
    // what a takeover does to the lease row: the next fencing token
    await handle.db.execute(
      sql`update leases set token = token + 1 where name = ${DISPATCHER_LEASE}`,
    );
    await notifyAda();
    const refused = await dispatcher.drain().then(
      () => null,
      (error: unknown) => error,
    );
    await dispatcher.stop();
    // nobody holds the bumped lease: free it for the next dispatcher
    await handle.db.execute(sql`delete from leases where name = ${DISPATCHER_LEASE}`);
    assert.ok(refused === null || refused instanceof LeaseLostError, String(refused));
    assert.deepEqual(sent, []);
    const [row] = await rows();
    assert.deepEqual(
      { attempts: row!.attempts, delivered: row!.delivered, leased: row!.retryInMs! > 0 },
      { attempts: 0, delivered: false, leased: false },
    );
  });

  it('creates a notification in 3 statements and delivers it in 2', async () => {
    const created = recordStatements(handle);
    try {
      await notifyAda();
    } finally {
      created.stop();
    }
    let sent!: () => void;
    const delivered = new Promise<void>((resolve) => (sent = resolve));
    const delivering = recordStatements(handle);
    try {
      const dispatcher = await startNotificationDispatcher({
        handle,
        sender: { channel: 'EMAIL', send: async () => sent() },
        log,
        intervalMs: 3_600_000,
      });
      await delivered;
      // stopping waits for the pass under way: its statements are all in
      await dispatcher.stop();
    } finally {
      delivering.stop();
    }
    assert.equal((await rows())[0]?.delivered, true);
    const listed = (texts: string[]) => texts.map((text) => text.replace(/\s+/g, ' ')).join('\n');
    // the customer, the insert with its NOTIFY, notification.created (a consumer's batch
    // appends the events of all its notifications in one statement)
    assert.ok(created.texts.length <= 3, listed(created.texts));
    // the fenced claim with the customer, the delivered mark with notification.delivered
    assert.ok(delivering.texts.length <= 2, listed(delivering.texts));
  });

  it(
    'sends each notification once when two dispatchers share the database',
    { skip: racesNeedPostgres },
    async () => {
      for (let i = 0; i < 30; i += 1) await notifyAda();
      const sent: string[] = [];
      const sender: NotificationSender = {
        channel: 'EMAIL',
        send: async (notification) => void sent.push(notification.id),
      };
      const [one, two] = await Promise.all([
        startNotificationDispatcher({ handle, sender, log, batchSize: 4 }),
        startNotificationDispatcher({ handle, sender, log, batchSize: 4 }),
      ]);
      await Promise.all([one.drain(), two.drain()]);
      await Promise.all([one.stop(), two.stop()]);
      assert.equal(sent.length, 30);
      assert.equal(new Set(sent).size, 30);
    },
  );
});
