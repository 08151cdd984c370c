import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eq } from 'drizzle-orm';
import { readEvents } from '@ordergraph/shared';
import { viewers, type TestSubgraph } from '@ordergraph/shared/testing';
import { notifications } from '../src/db/schema.js';
import { ADA, consumed, GRACE, payloads } from './events.js';
import { receive, startCustomers, type Request } from './support.js';

let subgraph: TestSubgraph;
let request: Request;
let adas: string;
let graces: string;

const MARK_READ = `mutation($input: MarkNotificationReadInput!) { markNotificationRead(input: $input) {
  __typename
  ... on MarkNotificationReadSuccess { notification { id title readAt } }
  ... on NotificationNotFoundError { message notificationId }
  ... on InvalidInputError { message field } } }`;

const markRead = (notificationId: string, idempotencyKey: string, viewer = viewers.customer(ADA)) =>
  request(MARK_READ, { viewer, variables: { input: { notificationId, idempotencyKey } } });

const unread = async (customerId: string) =>
  (
    await request(
      `{ me { unreadNotificationCount notifications(unreadOnly: true) { nodes { id } } } }`,
      {
        viewer: viewers.customer(customerId),
      },
    )
  ).data?.me;

before(async () => {
  ({ subgraph, request } = await startCustomers());
  await receive(
    subgraph.handle,
    'orders',
    consumed(1, 'order.placed', payloads.placed),
    consumed(2, 'order.cancelled', { ...payloads.cancelled, customerId: GRACE }),
  );
  const rows = await subgraph.handle.db.select().from(notifications);
  adas = rows.find((row) => row.customerId === ADA)!.id;
  graces = rows.find((row) => row.customerId === GRACE)!.id;
});
after(() => subgraph.stop());

describe('markNotificationRead', () => {
  it("marks the owner's notification read, which leaves the unread ones", async () => {
    assert.deepEqual(await unread(ADA), {
      unreadNotificationCount: 1,
      notifications: { nodes: [{ id: adas }] },
    });
    const response = await markRead(adas, 'read-1');
    const result = response.data?.markNotificationRead;
    assert.match(result.notification.readAt, /^\d{4}-\d{2}-\d{2}T.*Z$/);
    assert.deepEqual(result, {
      __typename: 'MarkNotificationReadSuccess',
      notification: {
        id: adas,
        title: 'Order OG-100042 is confirmed',
        readAt: result.notification.readAt,
      },
    });
    assert.deepEqual(await unread(ADA), {
      unreadNotificationCount: 0,
      notifications: { nodes: [] },
    });
  });

  it('keeps the first read time, and logs the read once', async () => {
    const [row] = await subgraph.handle.db
      .select({ readAt: notifications.readAt })
      .from(notifications)
      .where(eq(notifications.id, adas));
    const first = row?.readAt;
    const again = await markRead(adas, 'read-1');
    const other = await markRead(adas, 'read-2');
    assert.equal(again.data?.markNotificationRead.notification.readAt, first?.toISOString());
    assert.equal(other.data?.markNotificationRead.notification.readAt, first?.toISOString());
    const reads = (
      await readEvents(subgraph.handle.db, { streamType: 'notification', streamId: adas })
    )
      .filter((event) => event.type === 'notification.read')
      .map((event) => event.payload);
    assert.deepEqual(reads, [{ notificationId: adas, customerId: ADA }]);
  });

  it("returns NotificationNotFoundError for another customer's notification and changes nothing", async () => {
    const response = await markRead(graces, 'read-3');
    assert.deepEqual(response.data?.markNotificationRead, {
      __typename: 'NotificationNotFoundError',
      message: `You have no notification with the id ${graces}.`,
      notificationId: graces,
    });
    assert.equal((await unread(GRACE))?.unreadNotificationCount, 1);
  });

  it('returns NotificationNotFoundError for an id that is no notification id', async () => {
    const response = await markRead('42', 'read-4');
    assert.deepEqual(response.data?.markNotificationRead, {
      __typename: 'NotificationNotFoundError',
      message: 'You have no notification with the id 42.',
      notificationId: '42',
    });
  });

  it('returns InvalidInputError for a bad idempotency key, or one reused for another notification', async () => {
    const bad = await markRead(graces, '', viewers.customer(GRACE));
    assert.deepEqual(bad.data?.markNotificationRead, {
      __typename: 'InvalidInputError',
      message: 'idempotencyKey must be 1 to 200 printable characters.',
      field: 'idempotencyKey',
    });
    const reused = await markRead(graces, 'read-1', viewers.customer(ADA));
    assert.deepEqual(reused.data?.markNotificationRead, {
      __typename: 'InvalidInputError',
      message: 'This idempotencyKey was already used with a different input.',
      field: 'idempotencyKey',
    });
  });

  it('is FORBIDDEN to anyone but a customer', async () => {
    for (const viewer of [viewers.staff(), viewers.anonymous(), viewers.service()]) {
      const response = await markRead(graces, 'read-5', viewer);
      assert.equal(response.data, null);
      assert.deepEqual(
        response.errors?.map((error) => error.extensions?.code),
        ['FORBIDDEN'],
      );
    }
    assert.equal((await unread(GRACE))?.unreadNotificationCount, 1);
  });
});
