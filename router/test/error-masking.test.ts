import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { executeRows, sql } from '@ordergraph/shared';
import { ADA, GRACE, placeOrder, receiveStock, TEE } from './support/fixtures.js';
import { timelineCursors } from './support/order-steps.js';
import { startStack, type Stack } from './support/stack.js';
import { subscribeOverWebSocket } from './support/subscription-clients.js';

// a production router over the test subgraphs (which run in development mode, so they send
// their raw messages and stack traces: the router alone must hide them)

let stack: Stack;
before(async () => {
  stack = await startStack({ routerOptions: { production: true } });
});
after(() => stack?.stop());

const VARIANT = `{ variant(sku: "${TEE}") { sku name available } }`;

/** what must never reach a client: internals of the subgraphs and of the machine */
function assertNoInternals(body: unknown) {
  const text = JSON.stringify(body);
  for (const leak of [
    /stacktrace/i,
    /\bat [\w.<>]+ \(/, // a stack frame
    /relation|select |from "|sql/i,
    /127\.0\.0\.1|localhost|ECONNREFUSED|:\d{4,5}\b/,
    /serviceName/,
  ]) {
    assert.doesNotMatch(text, leak, text);
  }
}

describe('errors in production', () => {
  it("masks a subgraph's unexpected error (a SQL failure): code kept, internals hidden", async () => {
    const { db } = stack.subgraphs.catalog.handle;
    await executeRows(db, sql`alter table product_variants rename to product_variants_gone`);
    try {
      const response = await stack.request({ query: VARIANT });
      assert.ok(response.errors?.length, JSON.stringify(response));
      for (const error of response.errors ?? []) {
        assert.equal(error.message, 'Unexpected error.');
        assert.ok(
          ['INTERNAL_SERVER_ERROR', 'DOWNSTREAM_SERVICE_ERROR'].includes(
            String(error.extensions?.['code']),
          ),
        );
      }
      assertNoInternals(response);
    } finally {
      await executeRows(db, sql`alter table product_variants_gone rename to product_variants`);
    }
  });

  it('does not tell where an unreachable subgraph lives', async () => {
    await stack.stopSubgraph('inventory');
    try {
      const response = await stack.request({ query: VARIANT });
      assert.ok(response.errors?.length, JSON.stringify(response));
      assert.equal(response.errors?.[0]?.message, 'Unexpected error.');
      assert.ok(response.errors?.[0]?.extensions?.['code']);
      assertNoInternals(response);
    } finally {
      await stack.startSubgraph('inventory');
    }
  });

  it('keeps the message of errors with a code: they are meant for the client', async () => {
    await receiveStock(stack, { sku: TEE, quantity: 1 });
    const placed = await placeOrder(stack, {
      customerId: GRACE,
      lines: [{ sku: TEE, quantity: 1 }],
    });
    const forbidden = await stack.request({
      token: await stack.token(ADA, ['customer']),
      query: `query($id: ID!) { order(id: $id) { id } }`,
      variables: { id: placed.order.id },
    });
    assert.equal(
      forbidden.errors?.[0]?.extensions?.['code'],
      'FORBIDDEN',
      JSON.stringify(forbidden),
    );
    assert.notEqual(forbidden.errors?.[0]?.message, 'Unexpected error.');
    assertNoInternals(forbidden);

    const invalid = await stack.request({ query: '{ products { nodes { colour } } }' });
    assert.equal(invalid.errors?.[0]?.extensions?.['code'], 'GRAPHQL_VALIDATION_FAILED');
    assert.match(invalid.errors?.[0]?.message ?? '', /Cannot query field "colour"/);
    assertNoInternals(invalid);
  });

  it('masks the errors of subscription events too', async () => {
    await receiveStock(stack, { sku: TEE, quantity: 1 });
    const placed = await placeOrder(stack, {
      customerId: GRACE,
      lines: [{ sku: TEE, quantity: 1 }],
    });
    await stack.settle();
    const token = await stack.token(GRACE, ['customer']);
    const [placedCursor] = await timelineCursors(stack, placed.order.id, token);
    // the replayed updates need the customer's name from a subgraph that is down
    await stack.stopSubgraph('customers');
    const subscription = subscribeOverWebSocket({
      url: stack.routerUrl,
      token,
      query: `subscription($id: ID!, $after: String) {
        orderUpdated(orderId: $id, after: $after) { event { type } order { status customer { name } } }
      }`,
      variables: { id: placed.order.id, after: placedCursor },
    });
    try {
      const [update] = await subscription.received.atLeast(1);
      assert.ok(update?.errors?.length, JSON.stringify(update));
      assert.deepEqual(
        update.errors.map(({ message }) => message),
        update.errors.map(() => 'Unexpected error.'),
      );
      assertNoInternals(update);
    } finally {
      await subscription.close();
      await stack.startSubgraph('customers');
    }
  });
});
