import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GRACE, KATHERINE, placeOrder, receiveStock } from './support/fixtures.js';
import { startStack, type Stack } from './support/stack.js';

const SKUS = ['TEE-CLASSIC-BLK-S', 'TEE-CLASSIC-BLK-L', 'MUG-CERAMIC-SAGE', 'TOTE-CANVAS-NAT'];

let stack: Stack;
before(async () => {
  stack = await startStack();
  for (const sku of SKUS) await receiveStock(stack, { sku, quantity: 100 });
  // Katherine: 25 orders of 4 lines; Grace: 2 orders of 4 lines
  const lines = SKUS.map((sku) => ({ sku, quantity: 1 }));
  for (let i = 0; i < 25; i++) await placeOrder(stack, { customerId: KATHERINE, lines });
  for (let i = 0; i < 2; i++) await placeOrder(stack, { customerId: GRACE, lines });
});
after(() => stack.stop());

const HISTORY = `{ me { name orders(first: 25) { nodes {
  number status total { amount }
  customer { name email }
  lines { quantity unitPrice { amount } variant { sku name price { amount } product { name } stock { warehouse { code } available } available } }
  shipments { status }
} } } }`;

let requests = 0;

/** runs the history query as a customer and returns the SQL statements each subgraph sent for it */
async function statementsFor(customerId: string) {
  const requestId = `history-${++requests}`;
  const response = await stack.request({
    query: HISTORY,
    token: await stack.token(customerId, ['customer']),
    requestId,
  });
  assert.equal(response.errors, undefined);
  return {
    counts: stack.statementsFor(requestId),
    orders: response.data?.me.orders.nodes as { lines: unknown[] }[],
  };
}

describe('SQL statements per request', () => {
  it('are bounded by the query plan, not by 25 orders of 4 lines', async (t) => {
    const many = await statementsFor(KATHERINE);
    assert.equal(many.orders.length, 25);
    assert.ok(many.orders.every((order) => order.lines.length === 4));
    const few = await statementsFor(GRACE);
    assert.equal(few.orders.length, 2);

    // the same statements for 2 orders as for 25: nothing grows with the lists
    assert.deepEqual(many.counts, few.counts);
    t.diagnostic(`statements per subgraph: ${JSON.stringify(many.counts)}`);
    // and few of them: one batch per entity type and relation
    const bounds = { customers: 2, catalog: 2, orders: 2, inventory: 2, shipments: 1 };
    for (const [name, bound] of Object.entries(bounds) as [keyof typeof bounds, number][]) {
      assert.ok(
        many.counts[name] <= bound,
        `${name}: ${many.counts[name]} statements (bound ${bound})`,
      );
    }
  });
});
