import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Router } from '../src/server.js';
import { persistedQuery, post } from './support/clients.js';
import { REDIS_URL, redisUnavailable } from './support/redis.js';
import { startStack, type Stack } from './support/stack.js';

const noRedis = await redisUnavailable();
if (noRedis) console.log(`# skipped "automatic persisted queries in Redis": ${noRedis}`);
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('automatic persisted queries in Redis', { skip: noRedis }, () => {
  let stack: Stack;
  let replica: { router: Router; url: string };

  before(async () => {
    stack = await startStack({ routerOptions: { redisUrl: REDIS_URL } });
    replica = await stack.startExtraRouter();
  });
  after(async () => {
    await replica?.router.stop();
    await stack?.stop();
  });

  it('registers a query on one router and serves it by hash from another', async () => {
    // a text of its own each run: Redis outlives the test
    const query = `query SharedApq${Date.now()}${process.pid} { variant(sku: "CAP-BASEBALL-NVY") { sku } }`;
    const extensions = persistedQuery(sha256(query));

    const unknownOnReplica = await post(replica.url, { extensions });
    assert.equal(unknownOnReplica.body.errors[0].extensions.code, 'PERSISTED_QUERY_NOT_FOUND');

    const registered = await post(stack.routerUrl, { query, extensions });
    assert.deepEqual(registered.body, { data: { variant: { sku: 'CAP-BASEBALL-NVY' } } });

    const fromReplica = await post(replica.url, { extensions });
    assert.deepEqual(fromReplica.body, registered.body);
  });
});
