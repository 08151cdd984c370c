import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { viewers, type TestSubgraph } from '@ordergraph/shared/testing';
import type { CustomersServer } from '../src/server.js';
import { ADA, consumed, GRACE, payloads } from './events.js';
import { receive, startCustomers, type Request } from './support.js';

let subgraph: TestSubgraph;
let server: CustomersServer;
let request: Request;

const orderId = (n: number) => `5a1e0000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const placed = (n: number, customerId: string = ADA) =>
  consumed(n, 'order.placed', {
    ...payloads.placed,
    orderId: orderId(n),
    customerId,
    number: `OG-10000${n}`,
  });

const NOTIFICATIONS = `query($first: Int, $after: String, $unreadOnly: Boolean) {
  me { notifications(first: $first, after: $after, unreadOnly: $unreadOnly) {
    nodes { title orderId } edges { cursor } pageInfo { hasNextPage endCursor } } } }`;

const titles = (response: Awaited<ReturnType<Request>>) =>
  response.data?.me.notifications.nodes.map((node: { title: string }) => node.title);

before(async () => {
  ({ subgraph, server, request } = await startCustomers());
  // Ada's five orders, and one of Grace's
  await receive(subgraph.handle, 'orders', ...[1, 2, 3, 4, 5].map((n) => placed(n)));
  await receive(subgraph.handle, 'orders', placed(6, GRACE));
  await server.dispatcher.drain();
});
after(() => subgraph.stop());

describe('Customer.notifications', () => {
  it('shows the customer their own notifications, newest first, delivered through the log', async () => {
    const response = await request(
      `{ me { notifications(first: 1) { nodes { kind title message orderId shipmentId readAt channel deliveredAt createdAt } } } }`,
      { viewer: viewers.customer(ADA) },
    );
    const [node] = response.data!.me.notifications.nodes;
    assert.match(node.createdAt, /^\d{4}-\d{2}-\d{2}T.*Z$/);
    assert.match(node.deliveredAt, /^\d{4}-\d{2}-\d{2}T.*Z$/);
    assert.deepEqual(
      { ...node, createdAt: undefined, deliveredAt: undefined },
      {
        kind: 'ORDER_CONFIRMED',
        title: 'Order OG-100005 is confirmed',
        message:
          'Hello Ada Lovelace, thank you for your order OG-100005. Total: 55.00 USD. We will let you know when it ships.',
        orderId: orderId(5),
        shipmentId: null,
        readAt: null,
        channel: 'LOG',
        createdAt: undefined,
        deliveredAt: undefined,
      },
    );
  });

  it('pages with cursors, missing and repeating nothing', async () => {
    const viewer = viewers.customer(ADA);
    const first = await request(NOTIFICATIONS, { viewer, variables: { first: 2 } });
    assert.deepEqual(titles(first), [
      'Order OG-100005 is confirmed',
      'Order OG-100004 is confirmed',
    ]);
    assert.equal(first.data?.me.notifications.pageInfo.hasNextPage, true);
    const second = await request(NOTIFICATIONS, {
      viewer,
      variables: { first: 2, after: first.data?.me.notifications.pageInfo.endCursor },
    });
    assert.deepEqual(titles(second), [
      'Order OG-100003 is confirmed',
      'Order OG-100002 is confirmed',
    ]);
    const last = await request(NOTIFICATIONS, {
      viewer,
      variables: { first: 2, after: second.data?.me.notifications.pageInfo.endCursor },
    });
    assert.deepEqual(last.data?.me.notifications, {
      nodes: [{ title: 'Order OG-100001 is confirmed', orderId: orderId(1) }],
      edges: [{ cursor: last.data?.me.notifications.pageInfo.endCursor }],
      pageInfo: { hasNextPage: false, endCursor: last.data?.me.notifications.pageInfo.endCursor },
    });
  });

  it('is open to staff for any customer, and FORBIDDEN to reach through another customer', async () => {
    const query = `{ customer(id: "${GRACE}") { notifications { nodes { title } } } }`;
    const staff = await request(query, { viewer: viewers.staff() });
    assert.deepEqual(staff.data, {
      customer: { notifications: { nodes: [{ title: 'Order OG-100006 is confirmed' }] } },
    });
    const other = await request(query, { viewer: viewers.customer(ADA) });
    assert.deepEqual(other.data, { customer: null });
    assert.equal(other.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    const entity = await request(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { notifications { nodes { title } } } } }`,
      { viewer: viewers.warehouse(), variables: { r: [{ __typename: 'Customer', id: GRACE }] } },
    );
    assert.deepEqual(entity.data, { _entities: [null] });
  });

  it('refuses bad page sizes and cursors', async () => {
    const viewer = viewers.customer(ADA);
    for (const variables of [
      { first: 0 },
      { first: 101 },
      { after: '???' },
      { after: 'eyJzZXEiOi0xfQ' },
    ]) {
      const response = await request(NOTIFICATIONS, { viewer, variables });
      assert.deepEqual(response.data, { me: null }, JSON.stringify(variables));
      assert.equal(response.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    }
  });

  it("reads many customers' pages and unread counts in one statement each", async () => {
    await server.dispatcher.stop(); // nothing else may talk to the database meanwhile
    const before = subgraph.handle.statements.count;
    const response = await request(
      `{ customers(first: 10) { nodes { email unreadNotificationCount notifications(first: 2) { nodes { title } } } } }`,
      { viewer: viewers.staff() },
    );
    assert.equal(subgraph.handle.statements.count - before, 3);
    const byEmail = Object.fromEntries(
      response.data?.customers.nodes.map((node: { email: string }) => [node.email, node]),
    );
    assert.deepEqual(byEmail['ada@example.com'], {
      email: 'ada@example.com',
      unreadNotificationCount: 5,
      notifications: {
        nodes: [
          { title: 'Order OG-100005 is confirmed' },
          { title: 'Order OG-100004 is confirmed' },
        ],
      },
    });
    assert.deepEqual(byEmail['alan@example.com'], {
      email: 'alan@example.com',
      unreadNotificationCount: 0,
      notifications: { nodes: [] },
    });
  });
});
