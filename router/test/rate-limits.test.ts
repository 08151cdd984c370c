import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitUntil } from '@ordergraph/shared/testing';
import { hashApiKey, type ClientsFile } from '../src/clients/clients-file.js';
import { createMemoryRateLimiter } from '../src/limits/rate-limiter.js';
import type { Router } from '../src/server.js';
import { post } from './support/clients.js';
import { MUG } from './support/fixtures.js';
import { REDIS_URL, redisUnavailable, startRedisRelay } from './support/redis.js';
import { startStack, type Stack } from './support/stack.js';
import {
  subscribeOverMultipart,
  subscribeOverWebSocket,
  wsClient,
} from './support/subscription-clients.js';

const LIMITED_CLIENT_KEY = 'og_test_limited_key_0123456789';
const OTHER_CLIENT_KEY = 'og_test_other_key_0123456789';
const REFILLING_CLIENT_KEY = 'og_test_refilling_key_0123456789';
// slow enough that no token comes back while a test runs
const SLOW = 0.01;
const QUERY = { query: '{ categories }' };
// a bucket of 1 that gets a token back every 2 s
const REFILLING = { rateLimit: { capacity: 1, refillPerSecond: 0.5 } };

/** three open clients: one with a bucket of 2, one on the defaults, one refilling */
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
      {
        name: 'refilling-client',
        roles: [],
        policy: 'open',
        apiKeys: [{ sha256: hashApiKey(REFILLING_CLIENT_KEY) }],
        limits: REFILLING,
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

/** the RateLimit-* fields of a response */
const rateLimitHeadersOf = (headers: Headers) =>
  Object.fromEntries(
    ['limit', 'remaining', 'reset', 'policy'].map((field) => [
      `ratelimit-${field}`,
      headers.get(`ratelimit-${field}`),
    ]),
  );

/** a subject of its own each run: Redis outlives the test */
const freshSubject = (name: string) => `${name}-${Date.now()}-${process.pid}-${Math.random()}`;

function assertRateLimited(response: { status: number; headers: Headers; body: any }) {
  assert.equal(response.status, 429, JSON.stringify(response.body));
  assert.equal(response.body.errors[0].extensions.code, 'RATE_LIMITED');
  assert.match(response.headers.get('retry-after') ?? '', /^[1-9]\d*$/);
}

/** a caller refused is let through again once the Retry-After it was given has gone by */
async function assertRefillsAfterRetryAfter(url: string, auth: Record<string, string>) {
  assert.equal((await post(url, QUERY, auth)).status, 200);
  const refused = await post(url, QUERY, auth);
  assertRateLimited(refused);
  const seconds = Number(refused.headers.get('retry-after'));
  assert.ok(seconds >= 1 && seconds <= 2, `Retry-After ${seconds} for a token every 2 s`);
  // waiting longer only refills more: the token is back whatever the machine's speed
  await new Promise((resolve) => setTimeout(resolve, seconds * 1_000));
  const again = await post(url, QUERY, auth);
  assert.equal(again.status, 200, JSON.stringify(again.body));
}

const noRedis = await redisUnavailable();
if (noRedis) {
  console.log(
    `# skipped "rate limits in Redis, shared by two routers" and "rate limits while Redis is down": ${noRedis}`,
  );
}

describe('token buckets', () => {
  it('refill at their rate up to their capacity, on the clock they are given', async () => {
    let now = 1_000;
    const limiter = createMemoryRateLimiter({ now: () => now });
    const limit = { capacity: 3, refillPerSecond: 0.5 };
    const take = () => limiter.take('caller', limit);
    // the bucket after each take: what is left, and the seconds until it is full (3 at 0.5/s)
    const decision = (retryAfterSeconds: number, remaining: number, resetSeconds: number) => ({
      allowed: retryAfterSeconds === 0,
      retryAfterSeconds,
      bucket: { limit: 3, remaining, resetSeconds, windowSeconds: 6 },
    });
    assert.deepEqual(await take(), decision(0, 2, 2));
    assert.deepEqual(await take(), decision(0, 1, 4));
    assert.deepEqual(await take(), decision(0, 0, 6));
    assert.deepEqual(await take(), decision(2, 0, 6));
    now += 1; // half a token
    assert.deepEqual(await take(), decision(1, 0, 5));
    now += 1; // one token
    assert.deepEqual(await take(), decision(0, 0, 6));
    assert.deepEqual(await take(), decision(2, 0, 6));
    now += 3_600; // an hour fills the bucket to its 3, no more
    assert.deepEqual(await take(), decision(0, 2, 2));
    assert.deepEqual(await take(), decision(0, 1, 4));
    assert.deepEqual(await take(), decision(0, 0, 6));
    assert.deepEqual(await take(), decision(2, 0, 6));
  });
});

describe('rate limits in memory', () => {
  it('lets an anonymous address make 3 requests, then answers 429 with Retry-After', async () => {
    // the bucket refills at 0.01/s from its first request: each second the test takes may move
    // a figure of seconds down by one, whatever the machine's speed
    const firstSent = performance.now();
    const assertSeconds = (header: string | null, seconds: number) => {
      const elapsed = Math.ceil((performance.now() - firstSent) / 1000);
      const value = Number(header);
      assert.ok(value <= seconds && value >= seconds - elapsed, `${header} for ${seconds} s`);
    };
    for (let i = 0; i < 3; i++) {
      const passed = await post(stack.routerUrl, QUERY);
      assert.equal(passed.status, 200, JSON.stringify(passed.body));
      // the bucket of 3 as the RateLimit-* headers tell it, refilled at 0.01/s (300 s whole)
      const { 'ratelimit-reset': reset, ...headers } = rateLimitHeadersOf(passed.headers);
      assert.deepEqual(headers, {
        'ratelimit-limit': '3',
        'ratelimit-remaining': String(2 - i),
        'ratelimit-policy': '3;w=300',
      });
      assertSeconds(reset ?? null, 100 * (i + 1));
    }
    const refused = await post(stack.routerUrl, QUERY, { 'x-request-id': 'rate-limited' });
    assertRateLimited(refused);
    // one token at 0.01 per second
    assertSeconds(refused.headers.get('retry-after'), 100);
    assert.equal(refused.headers.get('ratelimit-remaining'), '0');
    assert.equal(refused.headers.get('ratelimit-limit'), '3');
    assert.deepEqual(
      Object.values(stack.statementsFor('rate-limited')).filter((count) => count > 0),
      [],
      'no subgraph was asked',
    );
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

  it('gives a token back once Retry-After has gone by', async () => {
    // the client's own bucket of the clients file, in this router's memory: fresh each run
    await assertRefillsAfterRetryAfter(stack.routerUrl, { 'x-api-key': REFILLING_CLIENT_KEY });
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

describe('rate limits in Redis, shared by two routers', { skip: noRedis }, () => {
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

  it('gives a token back once Retry-After has gone by', async () => {
    const { router, url } = await stack.startExtraRouter({
      clientsPath,
      redisUrl: REDIS_URL,
      limits: REFILLING,
    });
    try {
      // a subject of its own: Redis keeps buckets across runs
      const token = await stack.token(freshSubject('refill'), ['customer']);
      await assertRefillsAfterRetryAfter(url, { authorization: `Bearer ${token}` });
    } finally {
      await router.stop();
    }
  });

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

describe('rate limits while Redis is down', { skip: noRedis }, () => {
  it('lets requests through while Redis is away, and limits them again once it is back', async () => {
    const relay = await startRedisRelay();
    const { router, url } = await stack.startExtraRouter({
      clientsPath,
      redisUrl: relay.url,
      limits: { rateLimit: { capacity: 2, refillPerSecond: SLOW } },
    });
    try {
      const token = await stack.token(freshSubject('outage'), ['customer']);
      const auth = { authorization: `Bearer ${token}` };
      for (let i = 0; i < 2; i++) assert.equal((await post(url, QUERY, auth)).status, 200);
      assertRateLimited(await post(url, QUERY, auth));

      await relay.cut();
      // an outage of the limiter is no outage of the API: the empty bucket cannot be read
      for (let i = 0; i < 5; i++) {
        const passed = await post(url, QUERY, auth);
        assert.equal(passed.status, 200, JSON.stringify(passed.body));
      }

      await relay.restore();
      // the bucket in Redis is as the outage left it: empty
      await waitUntil(async () => (await post(url, QUERY, auth)).status === 429, {
        timeoutMs: 30_000,
        what: 'the router to take its tokens from Redis again',
      });
    } finally {
      await router.stop();
      await relay.close();
    }
  });
});
