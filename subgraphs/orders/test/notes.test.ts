import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { readEvents, type Viewer } from '@ordergraph/shared';
import { viewers, type TestSubgraph } from '@ordergraph/shared/testing';
import { orderNotes } from '../src/db/schema.js';
import { ADA, insertOrder, placedOrder, startOrders, type Request } from './support.js';

let subgraph: TestSubgraph;
let request: Request;
let orderId: string;
let otherOrderId: string;
before(async () => {
  ({ subgraph, request } = await startOrders());
  orderId = (await insertOrder(subgraph.handle, placedOrder())).id;
  otherOrderId = (await insertOrder(subgraph.handle, placedOrder())).id;
});
after(() => subgraph.stop());

const ADD = `mutation($input: AddOrderNoteInput!) { addOrderNote(input: $input) {
  __typename
  ... on AddOrderNoteSuccess {
    note { text visibility author { kind id name } }
    order { id timeline { type message actor { kind id } } }
  }
  ... on OrderNotFoundError { message orderId }
  ... on InvalidInputError { message field } } }`;

const sam = { ...viewers.staff(), name: 'Sam Staff' };
const add = async (input: Record<string, unknown>, viewer: Viewer = sam) => {
  const response = await request(ADD, { viewer, variables: { input } });
  return response.errors ? { errors: response.errors } : response.data?.addOrderNote;
};
const noteEvents = async () =>
  (await readEvents(subgraph.handle.db, { streamType: 'order', limit: 1000 })).filter(
    (event) => event.type === 'order.note_added',
  );
const noteCount = async () => (await subgraph.handle.db.select().from(orderNotes)).length;

const ORDER = `query($id: ID!) { order(id: $id) {
  notes(first: 10) { nodes { text visibility } }
  timeline { type message } } }`;
const read = async (viewer = viewers.customer(ADA), id = orderId) =>
  (await request(ORDER, { viewer, variables: { id } })).data?.order;

describe('addOrderNote', () => {
  it("adds a note by staff, with its author, on the order's timeline, once per key", async () => {
    const input = {
      orderId,
      text: '  Customer called: leave at the back door.  ',
      visibility: 'INTERNAL',
      idempotencyKey: 'note-1',
    };
    const first = await add(input);
    assert.deepEqual(first.note, {
      text: 'Customer called: leave at the back door.',
      visibility: 'INTERNAL',
      author: { kind: 'STAFF', id: 'staff-1', name: 'Sam Staff' },
    });
    assert.deepEqual(first.order.timeline.at(-1), {
      type: 'order.note_added',
      message: 'Internal note: Customer called: leave at the back door.',
      actor: { kind: 'STAFF', id: 'staff-1' },
    });
    assert.deepEqual(await add(input), first);
    assert.equal(await noteCount(), 1);
    assert.equal((await noteEvents()).length, 1);
    assert.deepEqual(await add({ ...input, text: 'Another text' }), {
      __typename: 'InvalidInputError',
      message: 'This idempotencyKey was already used with a different input.',
      field: 'idempotencyKey',
    });
  });

  it('refuses an empty or too long note, an unknown order and a bad key, writing nothing', async () => {
    const base = { orderId, text: 'Hello', visibility: 'CUSTOMER' };
    assert.deepEqual(await add({ ...base, text: '   ', idempotencyKey: 'note-bad-1' }), {
      __typename: 'InvalidInputError',
      message: 'text must not be empty.',
      field: 'text',
    });
    assert.equal(
      (await add({ ...base, text: 'x'.repeat(2001), idempotencyKey: 'note-bad-2' })).field,
      'text',
    );
    assert.equal((await add({ ...base, idempotencyKey: '' })).field, 'idempotencyKey');
    const unknown = randomUUID();
    assert.deepEqual(await add({ ...base, orderId: unknown, idempotencyKey: 'note-bad-3' }), {
      __typename: 'OrderNotFoundError',
      message: `No order has the id ${unknown}.`,
      orderId: unknown,
    });
    assert.deepEqual(await add({ ...base, orderId: 'not-an-id', idempotencyKey: 'note-bad-4' }), {
      __typename: 'OrderNotFoundError',
      message: 'No order has the id not-an-id.',
      orderId: 'not-an-id',
    });
    assert.equal(await noteCount(), 1);
    assert.equal((await noteEvents()).length, 1);
  });

  it('is for staff and admins: customers and warehouse workers are FORBIDDEN', async () => {
    for (const viewer of [viewers.customer(ADA), viewers.warehouse(), viewers.anonymous()]) {
      const outcome = await add(
        { orderId, text: 'Hi', visibility: 'CUSTOMER', idempotencyKey: 'note-no' },
        viewer,
      );
      assert.equal(outcome.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');
    }
    const admin = await add(
      { orderId: otherOrderId, text: 'Checked', visibility: 'INTERNAL', idempotencyKey: 'note-a' },
      viewers.withRoles('admin-1', ['admin']),
    );
    assert.equal(admin.__typename, 'AddOrderNoteSuccess');
  });
});

describe('reading notes', () => {
  it('shows the customer only CUSTOMER notes, on the order and its timeline; staff see all', async () => {
    await add({
      orderId,
      text: 'Your parcel will leave tomorrow.',
      visibility: 'CUSTOMER',
      idempotencyKey: 'note-2',
    });
    assert.deepEqual(await read(), {
      notes: { nodes: [{ text: 'Your parcel will leave tomorrow.', visibility: 'CUSTOMER' }] },
      timeline: [
        { type: 'order.placed', message: (await read())?.timeline[0].message },
        { type: 'payment.authorized', message: (await read())?.timeline[1].message },
        { type: 'order.note_added', message: 'Note: Your parcel will leave tomorrow.' },
      ],
    });
    const staff = await read(viewers.staff());
    assert.deepEqual(
      staff?.notes.nodes.map((note: { visibility: string }) => note.visibility),
      ['CUSTOMER', 'INTERNAL'],
    );
    assert.deepEqual(staff?.timeline.map((event: { type: string }) => event.type).slice(-2), [
      'order.note_added',
      'order.note_added',
    ]);
  });

  it('pages the notes newest first, for several orders in one statement', async () => {
    for (const n of [1, 2, 3]) {
      await add({
        orderId: otherOrderId,
        text: `Note ${n}`,
        visibility: 'CUSTOMER',
        idempotencyKey: `note-page-${n}`,
      });
    }
    const page = async (after: string | null) =>
      (
        await request(
          `query($id: ID!, $after: String) { order(id: $id) {
            notes(first: 2, after: $after) { nodes { text } pageInfo { hasNextPage endCursor } } } }`,
          { viewer: viewers.staff(), variables: { id: otherOrderId, after } },
        )
      ).data?.order.notes;
    const first = await page(null);
    assert.deepEqual(
      first.nodes.map((note: { text: string }) => note.text),
      ['Note 3', 'Note 2'],
    );
    assert.equal(first.pageInfo.hasNextPage, true);
    const second = await page(first.pageInfo.endCursor);
    assert.deepEqual(
      second.nodes.map((note: { text: string }) => note.text),
      ['Note 1', 'Checked'],
    );
    assert.equal(second.pageInfo.hasNextPage, false);

    const before = subgraph.handle.statements.count;
    const both = await request(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Order { notes(first: 1) { nodes { text } } } } }`,
      {
        viewer: viewers.staff(),
        variables: {
          r: [orderId, otherOrderId].map((id) => ({ __typename: 'Order', id })),
        },
      },
    );
    assert.deepEqual(
      both.data?._entities.map((order: { notes: { nodes: { text: string }[] } }) =>
        order.notes.nodes.map((note) => note.text),
      ),
      [['Your parcel will leave tomorrow.'], ['Note 3']],
    );
    // the orders by id, then every order's page of notes
    assert.equal(subgraph.handle.statements.count - before, 2);
  });
});
