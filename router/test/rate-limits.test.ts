import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hashApiKey, type ClientsFile } from '../src/clients/clients-file.js';
import type { Router } from '../src/server.js';
import { post } from './support/clients.js';
import { MUG } from './support/fixtures.js';
import { startStack, type Stack } from './support/stack.js';
import {
  subscribeOverMultipart,
  subscribeOverWebSocket,
  wsClient,
} from './support/subscription-clients.js';

const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379/0';
const LIMITED_CLIENT_KEY = 'og_test_limited_key_0123456789';
const OTHER_CLIENT_KEY = 'og_test_other_key_0123456789';
// slow enough that no token comes back while a test runs
const SLOW = 0.01;
const QUERY = { query: '{ categories }' };

/** two open clients: one with a bucket of 2, one on the defaults */
function writeClientsFile(): string {
  const file: ClientsFile = {
    defaultPolicy: 'open',
    clients: [
      {
        name: 'limited-client',
        roles: [],
        policy: 'open',
        apiKeys: [{ sha256: hashApiKey(LIMITED_CLIENT_KEY) }],
        limits: { rateLimit: { capacity: 2, refillPerSecond: SLOW } },
      },
      {
        name: 'other-client',
        roles: [],
        policy: 'open',
        apiKeys: [{ sha256: hashApiKey(OTHER_CLIENT_KEY) }],
      },
    ],
  };
  const path = join(mkdtempSync(join(tmpdir(), 'ordergraph-rate-')), 'clients.json');
  writeFileSync(path, JSON.stringify(file));
  return path;
}

let stack: Stack;
const clientsPath = writeClientsFile();
before(async () => {
  stack = await startStack({
    routerOptions: { clientsPath, limits: { rateLimit: { capacity: 3, refillPerSecond: SLOW } } },
  });
});
after(() => stack?.stop());

const totalStatements = () =>
  Object.values(stack.statementCounts()).reduce((sum, count) => sum + count, 0);

/** a subject of its own each run: Redis outlives the test */
const freshSubject = (name: string) => `${name}-${Date.now()}-${process.pid}-${Math.random()}`;

function assertRateLimited(response: { status: number; headers: Headers; body: any }) {
  assert.equal(response.status, 429, JSON.stringify(response.body));
  assert.equal(response.body.errors[0].extensions.code, 'RATE_LIMITED');
  assert.match(response.headers.get('retry-after') ?? '', /^[1-9]\d*$/);
}

describe('rate limits in memory', () => {
  it('lets an anonymous address make 3 requests, then answers 429 with Retry-After', async () => {
    for (let i = 0; i < 3; i++) {
      const passed = await post(stack.routerUrl, QUERY);
      assert.equal(passed.status, 200, JSON.stringify(passed.body));
    }
    const before = totalStatements();
    const refused = await post(stack.routerUrl, QUERY);
    assertRateLimited(refused);
    assert.equal(Number(refused.headers.get('retry-after')), 100, 'one token at 0.01 per second');
    assert.equal(totalStatements() - before, 0, 'no subgraph was asked');
  });

  it("gives each client the bucket of the clients file, apart from the others'", async () => {
    const limited = { 'x-api-key': LIMITED_CLIENT_KEY };
    for (let i = 0; i < 2; i++) {
      assert.equal((await post(stack.routerUrl, QUERY, limited)).status, 200);
    }
    assertRateLimited(await post(stack.routerUrl, QUERY, limited));
    // another client, and a signed-in user, each have a bucket of their own
    const other = await post(stack.routerUrl, QUERY, { 'x-api-key': OTHER_CLIENT_KEY });
    assert.equal(other.status, 200);
    const token = await stack.token(freshSubject('user'), ['customer']);
    const user = await post(stack.routerUrl, QUERY, { authorization: `Bearer ${token}` });
    assert.equal(user.status, 200);
  });

  it('lets exactly 3 of 20 simultaneous requests through', async () => {
    const token = await stack.token(freshSubject('burst'), ['customer']);
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        post(stack.routerUrl, QUERY, { authorization: `Bearer ${token}` }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 200).length, 3, statuses.join());
    assert.equal(statuses.filter((s) => s === 429).length, 17, statuses.join());
  });

  it('counts a subscribe once, over multipart and over WebSocket', async () => {
    const token = await stack.token(freshSubject('subscriber'), ['customer']);
    const query = `subscription { stockChanged(sku: "${MUG}") { cursor } }`;
    const multipart = subscribeOverMultipart({ url: stack.routerUrl, query, token });
    assert.equal(await multipart.status, 200);
    const client = wsClient(stack.routerUrl, token);
    const first = subscribeOverWebSocket({ url: stack.routerUrl, query }, client, {
      ownClient: false,
    });
    const second = subscribeOverWebSocket({ url: stack.routerUrl, query }, client, {
      ownClient: false,
    });
    // the fourth subscribe against a bucket of 3
    const third = subscribeOverWebSocket({ url: stack.routerUrl, query }, client, {
      ownClient: false,
    });
    await third.received.end();
    const failure = third.received.failure as { extensions?: Record<string, unknown> }[];
    assert.equal(failure[0]?.extensions?.['code'], 'RATE_LIMITED');
    assert.ok(!first.received.completed && !second.received.completed, 'the others live on');
    const refused = subscribeOverMultipart({ url: stack.routerUrl, query, token });
    assert.equal(await refused.status, 429);
    await Promise.all([multipart.close(), first.close(), second.close(), refused.close()]);
    await client.dispose();
  });
});

describe('rate limits in Redis, shared by two routers', () => {
  const options = {
    clientsPath,
    redisUrl: REDIS_URL,
    limits: { rateLimit: { capacity: 4, refillPerSecond: SLOW } },
  };
  let routers: { router: Router; url: string }[] = [];
  before(async () => {
    routers = [await stack.startExtraRouter(options), await stack.startExtraRouter(options)];
  });
  after(() => Promise.all(routers.map(({ router }) => router.stop())));

  it('spends one bucket across the routers: 4 requests pass, the 5th is refused on either', async () => {
    const token = await stack.token(freshSubject('shared'), ['customer']);
    const auth = { authorization: `Bearer ${token}` };
    const [a, b] = routers.map((r) => r.url) as [string, string];
    for (const url of [a, b, a, b]) assert.equal((await post(url, QUERY, auth)).status, 200);
    assertRateLimited(await post(a, QUERY, auth));
    assertRateLimited(await post(b, QUERY, auth));
  });

  it('lets exactly 4 of 30 simultaneous requests through, across both routers', async () => {
    const token = await stack.token(freshSubject('shared-burst'), ['customer']);
    const auth = { authorization: `Bearer ${token}` };
    const responses = await Promise.all(
      Array.from({ length: 30 }, (_, i) => post(routers[i % 2]!.url, QUERY, auth)),
    );
    const statuses = responses.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 200).length, 4, statuses.join());
    assert.equal(statuses.filter((s) => s === 429).length, 26, statuses.join());
  });
});
