import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { waitUntil } from '@ordergraph/shared/testing';
import { manualClock } from './support/manual-clock.js';
import { startStack, type Stack } from './support/stack.js';

// graphql-sse's single connection mode: PUT reserves a stream, GET connects to it. A
// reservation nobody connects to is released after the time allowed, and an address may hold
// only a few at once. Time is the test's: the reservations' timers fire when it moves it on
const TTL_MS = 30_000;
const PER_ADDRESS = 3;

const clock = manualClock();
let stack: Stack;
before(async () => {
  stack = await startStack({
    routerOptions: {
      sseReservations: { ttlMs: TTL_MS, maxPerAddress: PER_ADDRESS, schedule: clock.schedule },
    },
  });
});
after(() => stack?.stop());

const reserve = (token: string) =>
  fetch(stack.routerUrl, {
    method: 'PUT',
    headers: { accept: 'text/plain', 'x-graphql-event-stream-token': token },
  });

/** reserves `token` as soon as its earlier reservation has been let go */
const reserveOnceFree = (token: string, what: string) =>
  waitUntil(
    async () => {
      const response = await reserve(token);
      await response.text();
      return response.status === 201;
    },
    { what },
  );

describe('reserved SSE streams', () => {
  it('are released when no connection comes in time', async () => {
    const first = await reserve('reservation-a');
    assert.equal(first.status, 201);
    assert.equal(await first.text(), 'reservation-a');
    // still held: the same token cannot be reserved twice
    assert.equal((await reserve('reservation-a')).status, 409);
    clock.advance(TTL_MS - 1);
    assert.equal((await reserve('reservation-a')).status, 409, 'held until the time is up');
    clock.advance(1);
    await reserveOnceFree('reservation-a', 'the unconnected reservation to be released');
  });

  it('are refused past the limit per address, with a GraphQL error', async () => {
    clock.advance(TTL_MS); // the earlier test's reservation goes
    for (const token of ['b1', 'b2', 'b3']) assert.equal((await reserve(token)).status, 201);
    const refused = await reserve('b4');
    assert.equal(refused.status, 429);
    const body = (await refused.json()) as { errors: { extensions: { code: string } }[] };
    assert.equal(body.errors[0]?.extensions.code, 'TOO_MANY_RESERVATIONS');
    clock.advance(TTL_MS);
    assert.equal((await reserve('b4')).status, 201, 'room again once they expired');
  });

  it('live as long as their connection once connected', async () => {
    clock.advance(TTL_MS);
    assert.equal((await reserve('connected')).status, 201);
    const abort = new AbortController();
    const stream = await fetch(stack.routerUrl, {
      headers: { accept: 'text/event-stream', 'x-graphql-event-stream-token': 'connected' },
      signal: abort.signal,
    });
    assert.equal(stream.status, 200);
    clock.advance(TTL_MS * 2);
    assert.equal((await reserve('connected')).status, 409, 'the connected stream is kept');
    abort.abort();
    await stream.body?.cancel().catch(() => {});
    await reserveOnceFree('connected', 'the stream to go with its connection');
  });
});
