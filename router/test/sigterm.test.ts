import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import {
  startServiceOnFreePort,
  TEST_SIGNING_SECRET,
  waitUntil,
  type ListeningServiceProcess,
} from '@ordergraph/shared/testing';
import { SUPERGRAPH_FILE } from '../src/composition.js';
import { SUBGRAPH_NAMES } from '../src/config.js';
import { startLatencyProxy, type LatencyProxy } from './support/latency-proxy.js';
import {
  stackWithAnOrder,
  timelineCursors,
  TRACK_ORDER,
  type Lifecycle,
} from './support/order-steps.js';
import { parsePrometheusText } from './support/prometheus.js';
import { JWT_SECRET, type Stack } from './support/stack.js';
import { subscribeOverWebSocket } from './support/subscription-clients.js';

// SIGTERM to the router process (as `npm start` runs it) under load: every request it had
// accepted is answered in full, new connections are refused, live subscriptions end with
// SUBSCRIPTION_SERVER_SHUTDOWN, and the process exits 0 within SHUTDOWN_TIMEOUT_MS

const SHUTDOWN_TIMEOUT_MS = 8_000;
// index.ts's own margin for flushing traces after the drain
const EXIT_MARGIN_MS = 2_000;
const WORKERS = 30;
// catalog answers the load through a proxy that holds each fetch: short during the load,
// longer for each worker's last request, which the signal interrupts
const LOAD_DELAY_MS = 100;
const LAST_DELAY_MS = 1_500;
const QUERY = 'query SigtermCategories { categories }';

let stack: Stack;
let steps: Lifecycle;
let orderId: string;
let catalogProxy: LatencyProxy;
let router: ListeningServiceProcess;
let routerUrl: string;

before(async () => {
  ({ stack, steps, orderId } = await stackWithAnOrder());
  catalogProxy = await startLatencyProxy({
    target: stack.subgraphs.catalog.url,
    delayMs: (headers) =>
      String(headers['x-request-id']).startsWith('last-') ? LAST_DELAY_MS : LOAD_DELAY_MS,
  });
  const subgraphUrls = Object.fromEntries(
    SUBGRAPH_NAMES.map((name) => [
      `${name.toUpperCase()}_URL`,
      name === 'catalog' ? catalogProxy.url : stack.subgraphs[name].url,
    ]),
  );
  router = await startServiceOnFreePort({
    entry: fileURLToPath(new URL('../src/index.ts', import.meta.url)),
    env: {
      ...subgraphUrls,
      HOST: '127.0.0.1',
      // as deployed (and so with whatever a library does on signals outside tests)
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      SUPERGRAPH_PATH: SUPERGRAPH_FILE,
      SUPERGRAPH_WATCH: 'false',
      AUTH_JWT_SECRET: JWT_SECRET,
      ROUTER_SIGNING_SECRET: TEST_SIGNING_SECRET,
      SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
      OTEL_EXPORTER_OTLP_ENDPOINT: undefined,
      REDIS_URL: undefined,
      ROUTER_CLIENTS_PATH: undefined,
    },
  });
  routerUrl = `${router.origin}/graphql`;
  await router.waitUntilReady({ what: 'the router process to be ready' });
});
after(async () => {
  await router.kill();
  await catalogProxy.close();
  await stack.stop();
});

async function subscriptionClients(): Promise<number | undefined> {
  const text = await fetch(new URL('/metrics', routerUrl)).then((response) => response.text());
  return parsePrometheusText(text).value('ordergraph_subscription_clients', {});
}

async function ask(requestId: string): Promise<{ status: number; body: unknown } | Error> {
  try {
    const response = await fetch(routerUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': requestId },
      body: JSON.stringify({ query: QUERY }),
    });
    return { status: response.status, body: await response.json() };
  } catch (error) {
    return error as Error;
  }
}

describe('SIGTERM to the router process', () => {
  it('answers every accepted request in full, ends subscriptions, refuses new connections and exits 0', async () => {
    const expected = { data: (await stack.request({ query: QUERY })).data };
    assert.ok(expected.data, 'the query answers through the in-process router');

    // a live subscription over graphql-ws, on a socket the client keeps open: only the router
    // closes it
    const client = createClient({
      url: routerUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${steps.tokens.grace}` },
      lazy: false,
      retryAttempts: 0,
      // the close at shutdown is expected: the assertions below look at it
      onNonLazyError: () => {},
    });
    const closes: string[] = [];
    client.on('closed', (event) => {
      const lastCode = live.received.results.at(-1)?.errors?.[0]?.extensions?.['code'];
      closes.push(`${(event as { code: number }).code} after ${String(lastCode)}`);
    });
    const live = subscribeOverWebSocket(
      {
        url: routerUrl,
        query: TRACK_ORDER,
        variables: {
          orderId,
          after: (await timelineCursors(stack, orderId, steps.tokens.grace)).at(-1),
        },
      },
      client,
    );
    await waitUntil(async () => (await subscriptionClients()) === 1, {
      what: 'the subscription to be live',
    });

    // load: each worker asks back to back; told to finish, it sends one last, slower request
    const sent: { last: boolean; done: boolean; answer: ReturnType<typeof ask> }[] = [];
    let finishing = false;
    const workers = Array.from({ length: WORKERS }, async (_, worker) => {
      for (let round = 0; ; round++) {
        const last = finishing;
        const request = {
          last,
          done: false,
          answer: ask(last ? `last-${worker}` : `load-${worker}-${round}`),
        };
        sent.push(request);
        await request.answer;
        request.done = true;
        if (request.last) return;
      }
    });
    await waitUntil(() => sent.length >= 3 * WORKERS, { what: 'three rounds of load' });
    const lastOnes = () => sent.filter((request) => request.last);

    // the signal comes once every last request is at the router, waiting on its catalog
    // fetch: a request still in the network when the listener closes was never accepted
    finishing = true;
    await waitUntil(
      () =>
        lastOnes().length === WORKERS &&
        sent.every((request) => request.last || request.done) &&
        catalogProxy.inFlight === WORKERS,
      { timeoutMs: 30_000, what: 'every worker’s last request to be under way' },
    );
    router.signal('SIGTERM');

    await router.waitUntilRefusing();
    assert.equal(
      lastOnes().filter((request) => !request.done).length,
      WORKERS,
      'the last requests are still under way',
    );

    // the subscription's last message is the shutdown error, then the router closes the socket
    await live.received.end();
    const final = live.received.results.at(-1);
    assert.equal(final?.errors?.[0]?.extensions?.['code'], 'SUBSCRIPTION_SERVER_SHUTDOWN');
    await waitUntil(() => closes.length > 0, { what: 'the socket to close' });
    assert.deepEqual(closes, ['1001 after SUBSCRIPTION_SERVER_SHUTDOWN']);

    await Promise.all(workers);
    for (const { answer } of sent) {
      assert.deepEqual(await answer, { status: 200, body: expected });
    }
    await router.assertExits({ code: 0, withinMs: SHUTDOWN_TIMEOUT_MS + EXIT_MARGIN_MS });
    await live.close();
  });
});
