import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClient as createWsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { manifestOperation, PARTNER_KEY, writeTestClientsFile } from './support/clients.js';
import { GRACE, placeOrder, receiveStock, TEE } from './support/fixtures.js';
import { startStack, type Stack } from './support/stack.js';
import { Received, type Result } from './support/subscription-clients.js';

// a safelisted partner (API key, `staff` role) subscribing over WebSocket and SSE: the key
// travels in connection_init (WebSocket) or in the x-api-key header (SSE)

const TRACKING = manifestOperation('OrderTracking').body;
const FREEFORM = 'subscription($id: ID!) { orderUpdated(orderId: $id) { cursor } }';

let stack: Stack;
let orderId: string;
before(async () => {
  stack = await startStack({ routerOptions: { clientsPath: writeTestClientsFile() } });
  await receiveStock(stack, { sku: TEE, quantity: 1 });
  const placed = await placeOrder(stack, { customerId: GRACE, lines: [{ sku: TEE, quantity: 1 }] });
  orderId = placed.order.id;
  await stack.settle();
});
after(() => stack?.stop());

/** the order's first timeline cursor: resuming after it replays what followed at once */
async function firstCursor(): Promise<string> {
  const response = await stack.request({
    token: await stack.token('staff-1', ['staff']),
    query: `query($id: ID!) { order(id: $id) { timeline { cursor } } }`,
    variables: { id: orderId },
  });
  return response.data?.order.timeline[0].cursor;
}

function overWebSocket(apiKey: string, query: string, variables: Record<string, unknown>) {
  const received = new Received();
  const client = createWsClient({
    url: stack.routerUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { 'x-api-key': apiKey },
    retryAttempts: 0,
    lazy: true,
  });
  client.subscribe<Record<string, any>, Record<string, unknown>>(
    { query, variables },
    received.sink(),
  );
  return { received, close: () => client.dispose() };
}

/** GraphQL over SSE (distinct connections) with a plain fetch: status, and the first event */
async function overSse(apiKey: string, query: string, variables: Record<string, unknown>) {
  const abort = new AbortController();
  const response = await fetch(stack.routerUrl, {
    method: 'POST',
    signal: abort.signal,
    headers: {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      'x-api-key': apiKey,
    },
    body: JSON.stringify({ query, variables }),
  });
  if (!response.headers.get('content-type')?.startsWith('text/event-stream')) {
    return { status: response.status, body: (await response.json()) as Result };
  }
  const reader = response.body!.getReader();
  let text = '';
  while (!/event: next\ndata: .*\n\n/.test(text)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
  }
  abort.abort();
  const data = /event: next\ndata: (.*)\n/.exec(text)?.[1];
  return { status: response.status, body: JSON.parse(data ?? '{}') as Result };
}

const codesOf = (results: readonly Result[]) =>
  results.flatMap((r) => (r.errors ?? []).map((e) => e.extensions?.['code']));

describe('API keys and the safelist on streaming transports', () => {
  it('accepts a manifest subscription over WebSocket and SSE', async () => {
    const variables = { orderId, after: await firstCursor() };
    const ws = overWebSocket(PARTNER_KEY, TRACKING, variables);
    const [first] = await ws.received.atLeast(1);
    assert.equal(first?.errors, undefined, JSON.stringify(first));
    assert.equal(first?.data?.['orderUpdated'].order.id, orderId);
    await ws.close();

    const sse = await overSse(PARTNER_KEY, TRACKING, variables);
    assert.equal(sse.status, 200);
    assert.equal(sse.body.errors, undefined, JSON.stringify(sse.body));
    assert.equal(sse.body.data?.['orderUpdated'].order.id, orderId);
  });

  it('refuses a freeform subscription with QUERY_NOT_IN_SAFELIST', async () => {
    const ws = overWebSocket(PARTNER_KEY, FREEFORM, { id: orderId });
    await ws.received.end();
    const failure = ws.received.failure as readonly { extensions?: Record<string, unknown> }[];
    assert.deepEqual(
      failure.map((e) => e.extensions?.['code']),
      ['QUERY_NOT_IN_SAFELIST'],
    );
    await ws.close();

    const sse = await overSse(PARTNER_KEY, FREEFORM, { id: orderId });
    assert.equal(sse.status, 403);
    assert.deepEqual(codesOf([sse.body]), ['QUERY_NOT_IN_SAFELIST']);
  });

  it('refuses an unknown key: the socket closes with 4403, SSE answers 401', async () => {
    const ws = overWebSocket('og_not_a_known_key', TRACKING, { orderId });
    await ws.received.end();
    assert.equal((ws.received.failure as { code?: number }).code, 4403);
    await ws.close();

    const sse = await overSse('og_not_a_known_key', TRACKING, { orderId });
    assert.equal(sse.status, 401);
    assert.deepEqual(codesOf([sse.body]), ['UNAUTHENTICATED']);
  });
});
