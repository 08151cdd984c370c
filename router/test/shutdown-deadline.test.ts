import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startServiceOnFreePort, waitUntil } from '@ordergraph/shared/testing';
import { hangingSubgraph } from './support/subgraph-proxies.js';

// SIGTERM to the router process while a request waits on a subgraph that never answers: at
// SHUTDOWN_TIMEOUT_MS the request is cut off and the process exits 1, saying so

const ENTRY = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const NOWHERE = 'http://127.0.0.1:9/graphql';

async function cutOffAtTheDeadline(workers: string | undefined) {
  const catalog = await hangingSubgraph();
  const router = await startServiceOnFreePort({
    entry: ENTRY,
    env: {
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      AUTH_JWT_SECRET: 'deadline-test-jwt-secret-long-enough',
      ROUTER_SIGNING_SECRET: 'deadline-test-signing-secret-long',
      SHUTDOWN_TIMEOUT_MS: '1000',
      // the fetch itself would give up much later than the shutdown
      ROUTER_SUBGRAPH_TIMEOUT_MS: '600000',
      CATALOG_URL: catalog.url,
      CUSTOMERS_URL: NOWHERE,
      ORDERS_URL: NOWHERE,
      INVENTORY_URL: NOWHERE,
      SHIPMENTS_URL: NOWHERE,
      OTEL_EXPORTER_OTLP_ENDPOINT: undefined,
      REDIS_URL: undefined,
      ROUTER_CLIENTS_PATH: undefined,
      ROUTER_WORKERS: workers,
    },
  });
  try {
    await router.waitUntilReady({ what: 'the router process to be ready' });
    const answer = fetch(`${router.origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ categories }' }),
    }).then(
      (response) => `answered ${response.status}`,
      () => 'cut off',
    );
    // the router's readiness probes reach the catalog too: the query is the one naming categories
    await waitUntil(() => catalog.bodies.some((body) => body.includes('categories')), {
      what: 'the query to reach the catalog',
    });
    router.signal('SIGTERM');
    assert.equal(await answer, 'cut off');
    assert.equal((await router.exited).code, 1, JSON.stringify(router.logs));
    const warning = router.logs.find(
      (line) => line['msg'] === 'shutdown deadline passed: requests cut off',
    );
    assert.deepEqual(
      { cutOff: warning?.['cutOff'], shutdownTimeoutMs: warning?.['shutdownTimeoutMs'] },
      { cutOff: 1, shutdownTimeoutMs: 1_000 },
    );
  } finally {
    await router.kill();
    await catalog.stop();
  }
}

describe('the router process past its shutdown deadline', () => {
  it('cuts off a request still waiting at SHUTDOWN_TIMEOUT_MS and exits 1', () =>
    cutOffAtTheDeadline(undefined));

  it('exits 1 as well when the worker cut off is one of several (ROUTER_WORKERS)', () =>
    cutOffAtTheDeadline('2'));
});
