import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../src/config.js';
import { ADA, TEE } from './support/fixtures.js';
import { post } from './support/clients.js';
import { startStack, type Stack } from './support/stack.js';
import { hangingSubgraph, slowSubgraph, type SubgraphProxy } from './support/subgraph-proxies.js';

// one query over two subgraphs: the variant from catalog, the customer from customers
const QUERY = `query VariantAndCustomer($sku: ID!, $id: ID!) {
  variant(sku: $sku) { name }
  customer(id: $id) { name }
}`;

let stack: Stack;
let staff: string;
before(async () => {
  stack = await startStack();
  staff = await stack.token('staff-1', ['staff']);
});
after(() => stack.stop());

/**
 * Asks QUERY as staff through a router whose customers fetches go to `customers` and time out
 * after `subgraphTimeoutMs`, then stops both; `ms` is how long the answer took.
 */
async function ask({
  customers,
  subgraphTimeoutMs,
}: {
  customers: SubgraphProxy;
  subgraphTimeoutMs: number;
}) {
  const urls = Object.fromEntries(
    Object.entries(stack.subgraphs).map(([name, subgraph]) => [name, subgraph.url]),
  );
  const { router, url } = await stack.startExtraRouter({
    subgraphUrls: { ...urls, customers: customers.url } as never,
    subgraphTimeoutMs,
  });
  try {
    const started = performance.now();
    const response = await post(
      url,
      { query: QUERY, variables: { sku: TEE, id: ADA } },
      { authorization: `Bearer ${staff}` },
    );
    return { ...response, ms: performance.now() - started };
  } finally {
    await router.stop();
    await customers.stop();
  }
}

describe('subgraph fetch timeouts', () => {
  it('fails the fetch of a subgraph that never answers with SUBGRAPH_TIMEOUT, within the timeout, while the other fields resolve', async () => {
    const { status, body, ms } = await ask({
      customers: await hangingSubgraph(),
      subgraphTimeoutMs: 400,
    });
    assert.equal(status, 200);
    assert.deepEqual(body.data, { variant: { name: 'Black / M' }, customer: null });
    assert.equal(body.errors.length, 1);
    assert.equal(body.errors[0].extensions.code, 'SUBGRAPH_TIMEOUT');
    assert.match(body.errors[0].message, /customers service did not answer within 400 ms/);
    assert.ok(ms >= 400, `answered after ${ms} ms, before the timeout`);
    assert.ok(ms < 3_000, `answered after ${ms} ms`);
  });

  it('waits for a slow subgraph that answers just inside the timeout', async () => {
    const slow = await slowSubgraph(stack.subgraphs.customers.url, 300);
    const { body } = await ask({ customers: slow, subgraphTimeoutMs: 2_000 });
    assert.equal(body.errors, undefined);
    assert.equal(body.data.variant.name, 'Black / M');
    assert.equal(typeof body.data.customer.name, 'string');
  });

  it('gives up on the same slow subgraph when the timeout is just shorter than its delay', async () => {
    const slow = await slowSubgraph(stack.subgraphs.customers.url, 300);
    const { body, ms } = await ask({ customers: slow, subgraphTimeoutMs: 150 });
    assert.equal(body.data.variant.name, 'Black / M');
    assert.equal(body.data.customer, null);
    assert.equal(body.errors[0].extensions.code, 'SUBGRAPH_TIMEOUT');
    assert.ok(ms < 300 + 2_000, `answered after ${ms} ms`);
  });

  it('reads ROUTER_SUBGRAPH_TIMEOUT_MS: 30 s by default, 1 ms to 10 minutes', () => {
    assert.equal(loadConfig({}).subgraphTimeoutMs, 30_000);
    assert.equal(loadConfig({ ROUTER_SUBGRAPH_TIMEOUT_MS: '1' }).subgraphTimeoutMs, 1);
    assert.equal(loadConfig({ ROUTER_SUBGRAPH_TIMEOUT_MS: '600000' }).subgraphTimeoutMs, 600_000);
    assert.throws(
      () => loadConfig({ ROUTER_SUBGRAPH_TIMEOUT_MS: '0' }),
      /ROUTER_SUBGRAPH_TIMEOUT_MS/,
    );
    assert.throws(
      () => loadConfig({ ROUTER_SUBGRAPH_TIMEOUT_MS: '600001' }),
      /ROUTER_SUBGRAPH_TIMEOUT_MS/,
    );
  });
});
