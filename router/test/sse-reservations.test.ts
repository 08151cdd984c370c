import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startStack, type Stack } from './support/stack.js';

// graphql-sse's single connection mode: PUT reserves a stream, GET connects to it. A
// reservation nobody connects to is released after the time allowed, and an address may hold
// only a few at once
const TTL_MS = 400;
const PER_ADDRESS = 3;

let stack: Stack;
before(async () => {
  stack = await startStack({
    routerOptions: { sseReservations: { ttlMs: TTL_MS, maxPerAddress: PER_ADDRESS } },
  });
});
after(() => stack?.stop());

const reserve = (token: string) =>
  fetch(stack.routerUrl, {
    method: 'PUT',
    headers: { accept: 'text/plain', 'x-graphql-event-stream-token': token },
  });

describe('reserved SSE streams', () => {
  it('are released when no connection comes in time', async () => {
    const first = await reserve('reservation-a');
    assert.equal(first.status, 201);
    assert.equal(await first.text(), 'reservation-a');
    // still held: the same token cannot be reserved twice
    assert.equal((await reserve('reservation-a')).status, 409);
    await sleep(TTL_MS * 2);
    const again = await reserve('reservation-a');
    assert.equal(again.status, 201, 'released, so the token is free again');
    await again.text();
  });

  it('are refused past the limit per address, with a GraphQL error', async () => {
    await sleep(TTL_MS * 2); // the earlier test's reservation has gone
    for (const token of ['b1', 'b2', 'b3']) assert.equal((await reserve(token)).status, 201);
    const refused = await reserve('b4');
    assert.equal(refused.status, 429);
    const body = (await refused.json()) as { errors: { extensions: { code: string } }[] };
    assert.equal(body.errors[0]?.extensions.code, 'TOO_MANY_RESERVATIONS');
    await sleep(TTL_MS * 2);
    assert.equal((await reserve('b4')).status, 201, 'room again once they expired');
  });

  it('live as long as their connection once connected', async () => {
    await sleep(TTL_MS * 2);
    assert.equal((await reserve('connected')).status, 201);
    const abort = new AbortController();
    const stream = await fetch(stack.routerUrl, {
      headers: { accept: 'text/event-stream', 'x-graphql-event-stream-token': 'connected' },
      signal: abort.signal,
    });
    assert.equal(stream.status, 200);
    await sleep(TTL_MS * 2);
    assert.equal((await reserve('connected')).status, 409, 'the connected stream is kept');
    abort.abort();
    await stream.body?.cancel().catch(() => {});
    await sleep(200);
    assert.equal((await reserve('connected')).status, 201, 'gone with its connection');
  });
});
