import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { captureTestLogs } from '@ordergraph/shared/testing';
import WebSocket from 'ws';
import { loadConfig } from '../src/config.js';
import type { Router, RouterOptions } from '../src/server.js';
import { post } from './support/clients.js';
import { startLoneRouter } from './support/lone-router.js';
import { Received, wsClient } from './support/subscription-clients.js';
import { createClient as createWsClient } from 'graphql-ws';

// a bucket of 2 that no token comes back to while a test runs
const LIMITS = { rateLimit: { capacity: 2, refillPerSecond: 0.001 } };
const QUERY = { query: '{ __typename }' };
// documentation addresses (RFC 5737, RFC 3849): two clients behind the proxy
const CLIENT_A = '203.0.113.10';
const CLIENT_B = '203.0.113.20';

let logs: ReturnType<typeof captureTestLogs>;
const routers: Router[] = [];
before(() => {
  logs = captureTestLogs();
});
after(async () => {
  await Promise.all(routers.map((router) => router.stop()));
  logs.stop();
});

/** a router of its own (so buckets start full) behind this test's loopback "proxy" */
async function routerWith(options: Partial<RouterOptions>): Promise<string> {
  const { router, url } = await startLoneRouter({ limits: LIMITS, ...options });
  routers.push(router);
  return url;
}

/** the statuses of `count` requests sent one after the other with these headers */
async function statuses(url: string, headers: Record<string, string>, count = 1) {
  const seen: number[] = [];
  for (let index = 0; index < count; index++) seen.push((await post(url, QUERY, headers)).status);
  return seen;
}

describe('the client address behind proxies', () => {
  it('reads ROUTER_TRUSTED_PROXIES: none by default; addresses, ranges and names; fails on others', () => {
    assert.deepEqual(loadConfig({}).trustedProxies, []);
    assert.equal(loadConfig({}).clientAddressHeader, 'x-forwarded-for');
    assert.deepEqual(
      loadConfig({ ROUTER_TRUSTED_PROXIES: 'loopback, 10.0.0.0/8,fd00::1' }).trustedProxies,
      ['loopback', '10.0.0.0/8', 'fd00::1'],
    );
    assert.throws(
      () => loadConfig({ ROUTER_TRUSTED_PROXIES: 'loopback,nginx' }),
      /ROUTER_TRUSTED_PROXIES: invalid IP address: nginx/,
    );
    assert.throws(
      () => loadConfig({ ROUTER_CLIENT_ADDRESS_HEADER: 'x-real-ip' }),
      /ROUTER_CLIENT_ADDRESS_HEADER/,
    );
  });

  it('keys a caller by its socket when the socket is no trusted proxy, whatever X-Forwarded-For says', async () => {
    const url = await routerWith({});
    assert.deepEqual(await statuses(url, { 'x-forwarded-for': CLIENT_A }), [200]);
    assert.deepEqual(await statuses(url, { 'x-forwarded-for': CLIENT_B }), [200]);
    // one bucket for the one socket address: the third request is refused, named as it may be
    assert.deepEqual(await statuses(url, { 'x-forwarded-for': '198.51.100.1' }), [429]);
    const line = logs.lines.findLast((entry) => entry['msg'] === 'graphql request');
    assert.equal(line?.['clientAddress'], '127.0.0.1');
  });

  it('gives each client behind a trusted proxy a bucket of its own, from X-Forwarded-For', async () => {
    const url = await routerWith({ trustedProxies: ['loopback'] });
    assert.deepEqual(await statuses(url, { 'x-forwarded-for': CLIENT_A }, 3), [200, 200, 429]);
    assert.deepEqual(await statuses(url, { 'x-forwarded-for': CLIENT_B }, 2), [200, 200]);
    // what the client wrote before the proxy's entry is not believed: still A's bucket
    assert.deepEqual(
      await statuses(url, { 'x-forwarded-for': `198.51.100.1, ${CLIENT_A}` }),
      [429],
    );
    // a hop that is a trusted proxy itself passes the question on to the address it names
    assert.deepEqual(await statuses(url, { 'x-forwarded-for': `${CLIENT_B}, 127.0.0.2` }), [429]);
    const requestId = 'client-address-log-1';
    const answered = await post(url, QUERY, {
      'x-forwarded-for': '198.51.100.2',
      'x-request-id': requestId,
    });
    assert.equal(answered.status, 200);
    const line = logs.lines.find((entry) => entry['requestId'] === requestId);
    assert.equal(line?.['clientAddress'], '198.51.100.2');
  });

  it('reads the Forwarded header instead when told to, and then only that one', async () => {
    const url = await routerWith({
      trustedProxies: ['loopback'],
      clientAddressHeader: 'forwarded',
    });
    const forwarded = (node: string) => ({ forwarded: `for=${node};proto=https` });
    assert.deepEqual(await statuses(url, forwarded(CLIENT_A), 3), [200, 200, 429]);
    assert.deepEqual(await statuses(url, forwarded(`"${CLIENT_B}:4711"`), 2), [200, 200]);
    // an IPv6 node with its port, after a client's own element: the proxy's element counts
    const v6 = { forwarded: `for=198.51.100.1, for="[2001:db8::1]:4711";by=127.0.0.1` };
    assert.deepEqual(await statuses(url, v6, 3), [200, 200, 429]);
    // X-Forwarded-For is not read: these share the socket's bucket
    assert.deepEqual(await statuses(url, { 'x-forwarded-for': '198.51.100.3' }, 2), [200, 200]);
    assert.deepEqual(await statuses(url, { 'x-forwarded-for': '198.51.100.4' }), [429]);
  });

  it('keys WebSocket operations by the client the upgrade request was forwarded for', async () => {
    const url = await routerWith({ trustedProxies: ['loopback'] });
    // A spends its bucket over HTTP; over WebSocket it is the same caller
    assert.deepEqual(await statuses(url, { 'x-forwarded-for': CLIENT_A }, 2), [200, 200]);
    const askOverWebSocket = async (address: string) => {
      const client = createWsClient({
        url: url.replace(/^http/, 'ws'),
        webSocketImpl: forwardedWebSocket(address),
        retryAttempts: 0,
        lazy: true,
      });
      const received = new Received();
      client.subscribe(QUERY, received.sink());
      await received.end();
      await client.dispose();
      return received;
    };
    const refused = await askOverWebSocket(CLIENT_A);
    const failure = refused.failure as { extensions?: Record<string, unknown> }[];
    assert.equal(failure[0]?.extensions?.['code'], 'RATE_LIMITED');
    const answered = await askOverWebSocket(CLIENT_B);
    assert.equal(answered.failure, null);
    assert.deepEqual(answered.results, [{ data: { __typename: 'Query' } }]);
    // each connection's log line names its client
    await until(() => websocketLines().length >= 2);
    assert.deepEqual(
      websocketLines().map((line) => line['clientAddress']),
      [CLIENT_A, CLIENT_B],
    );
    // without the header the socket's own address is the caller, with a full bucket
    const direct = wsClient(url);
    const received = new Received();
    direct.subscribe(QUERY, received.sink());
    await received.end();
    await direct.dispose();
    assert.deepEqual(received.results, [{ data: { __typename: 'Query' } }]);
  });

  it('counts reserved SSE streams per forwarded client', async () => {
    const url = await routerWith({
      trustedProxies: ['loopback'],
      sseReservations: { ttlMs: 30_000, maxPerAddress: 1 },
    });
    const reserve = (token: string, address: string) =>
      fetch(url, {
        method: 'PUT',
        headers: {
          accept: 'text/plain',
          'x-graphql-event-stream-token': token,
          'x-forwarded-for': address,
        },
      }).then(async (response) => {
        await response.text();
        return response.status;
      });
    assert.equal(await reserve('a-1', CLIENT_A), 201);
    assert.equal(await reserve('a-2', CLIENT_A), 429);
    assert.equal(await reserve('b-1', CLIENT_B), 201);
  });
});

const websocketLines = () => logs.lines.filter((line) => line['msg'] === 'websocket connection');

async function until(done: () => boolean) {
  for (let waited = 0; !done(); waited += 20) {
    if (waited > 5_000) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** a WebSocket whose upgrade request carries X-Forwarded-For, as the proxy would send it */
function forwardedWebSocket(address: string) {
  return class extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { headers: { 'x-forwarded-for': address } });
    }
  };
}
