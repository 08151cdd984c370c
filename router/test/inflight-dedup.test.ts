import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SubgraphName } from '../src/config.js';
import { loadConfig } from '../src/config.js';
import { ADA, GRACE, TEE } from './support/fixtures.js';
import { post } from './support/clients.js';
import { startStack, type Stack } from './support/stack.js';
import { slowSubgraph, type SubgraphProxy } from './support/subgraph-proxies.js';

const VARIANT = `query Variant($sku: ID!) { variant(sku: $sku) { name price { amount } } }`;
const ME = `query Me { me { name } }`;

let stack: Stack;
before(async () => {
  stack = await startStack();
});
after(() => stack.stop());

/**
 * A router whose fetches to one subgraph go through a proxy that holds each for 300 ms, so
 * requests sent together are all in flight at once.
 */
async function routerThrough(subgraph: SubgraphName, dedupInFlight: boolean) {
  const proxy = await slowSubgraph(stack.subgraphs[subgraph].url, 300);
  const urls = Object.fromEntries(
    Object.entries(stack.subgraphs).map(([name, { url }]) => [name, url]),
  );
  const { router, url } = await stack.startExtraRouter({
    subgraphUrls: { ...urls, [subgraph]: proxy.url } as never,
    dedupInFlight,
  });
  return {
    url,
    proxy,
    stop: async () => {
      await router.stop();
      await proxy.stop();
    },
  };
}

const together = <T>(count: number, send: (index: number) => Promise<T>) =>
  Promise.all(Array.from({ length: count }, (_, index) => send(index)));

const fetchesIn = (proxy: SubgraphProxy, operation: string) =>
  proxy.bodies.filter((body) => body.includes(operation)).length;

describe('in-flight fetch deduplication', () => {
  it('sends identical query fetches in flight once when on, each getting the whole answer', async () => {
    const { url, proxy, stop } = await routerThrough('catalog', true);
    try {
      const answers = await together(4, () =>
        post(url, { query: VARIANT, variables: { sku: TEE } }),
      );
      assert.equal(fetchesIn(proxy, 'variant'), 1);
      for (const { body } of answers) {
        assert.deepEqual(body, {
          data: { variant: { name: 'Black / M', price: { amount: '19.90' } } },
        });
      }
    } finally {
      await stop();
    }
  });

  it('sends every fetch when off (the default)', async () => {
    assert.equal(loadConfig({}).dedupInFlight, false);
    assert.equal(loadConfig({ ROUTER_DEDUP_INFLIGHT: 'true' }).dedupInFlight, true);
    assert.throws(() => loadConfig({ ROUTER_DEDUP_INFLIGHT: 'yes' }), /ROUTER_DEDUP_INFLIGHT/);
    const { url, proxy, stop } = await routerThrough('catalog', false);
    try {
      await together(4, () => post(url, { query: VARIANT, variables: { sku: TEE } }));
      assert.equal(fetchesIn(proxy, 'variant'), 4);
    } finally {
      await stop();
    }
  });

  it('never shares a fetch between callers: the same query for two customers is sent twice', async () => {
    const tokens = [await stack.token(ADA, ['customer']), await stack.token(GRACE, ['customer'])];
    const { url, proxy, stop } = await routerThrough('customers', true);
    try {
      const answers = await together(4, (index) =>
        post(url, { query: ME }, { authorization: `Bearer ${tokens[index % 2]}` }),
      );
      assert.equal(fetchesIn(proxy, 'me'), 2);
      assert.notDeepEqual(answers[0]!.body, answers[1]!.body);
      assert.deepEqual(answers[0]!.body, answers[2]!.body);
    } finally {
      await stop();
    }
  });

  it('never shares a mutation: identical mutations in flight are each sent', async () => {
    const token = await stack.token(ADA, ['customer']);
    const { url, proxy, stop } = await routerThrough('orders', true);
    // refused by the orders service (no lines): nothing is written
    const mutation = `mutation { placeOrder(input: { idempotencyKey: "dedup-test", lines: [],
      shippingAddress: { name: "A", line1: "1 Way", city: "C", postalCode: "1", country: "US" },
      payment: { token: "tok_visa" } }) { __typename } }`;
    try {
      await together(2, () => post(url, { query: mutation }, { authorization: `Bearer ${token}` }));
      assert.equal(fetchesIn(proxy, 'placeOrder'), 2);
    } finally {
      await stop();
    }
  });
});
