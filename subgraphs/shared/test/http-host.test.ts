import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createHttpHost, type HttpHost } from '../src/http-host.js';
import { HttpError, sendJson } from '../src/http.js';
import { createLogger } from '../src/logger.js';
import { waitUntil } from '../src/testing/subscriptions.js';

const log = createLogger({ name: 'http-host-test', level: 'silent' });

async function answer(origin: string, path: string) {
  const response = await fetch(`${origin}${path}`);
  return { status: response.status, body: await response.text() };
}

async function withHost(
  run: (origin: string, host: HttpHost, events: string[]) => Promise<void>,
): Promise<void> {
  const events: string[] = [];
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  const host = createHttpHost({
    service: 'example',
    log,
    routes: [
      {
        matches: (path) => path.startsWith('/files/'),
        handle: async (_request, response, path) => {
          if (path === '/files/missing') return false;
          if (path === '/files/refused') throw new HttpError(403, 'FORBIDDEN', 'Not yours.');
          if (path === '/files/broken') throw new Error('a bug');
          if (path === '/files/slow') await held;
          sendJson(response, 200, { path });
          if (path === '/files/slow') events.push('answered');
        },
      },
    ],
    readiness: async ({ draining }) => ({ status: draining ? 503 : 200, body: { draining } }),
    metrics: { contentType: 'text/plain', scrape: async () => 'requests 1\n' },
    beforeRoute: (_request, response) => response.setHeader('x-example', 'yes'),
    shutdown: {
      beforeDrain: async () => {
        events.push('before drain');
        release();
      },
      afterDrain: async () => void events.push('after drain'),
    },
  });
  const origin = await host.listen();
  try {
    await run(origin, host, events);
  } finally {
    await host.stop();
  }
}

describe('the HTTP host', () => {
  it('answers /health, /ready, /metrics and its routes, and 404 for what no route has', () =>
    withHost(async (origin) => {
      assert.deepEqual(await answer(origin, '/health'), {
        status: 200,
        body: '{"status":"ok","service":"example"}',
      });
      assert.deepEqual(await answer(origin, '/ready'), { status: 200, body: '{"draining":false}' });
      assert.deepEqual(await answer(origin, '/metrics'), { status: 200, body: 'requests 1\n' });
      assert.deepEqual(await answer(origin, '/files/a'), {
        status: 200,
        body: '{"path":"/files/a"}',
      });
      assert.deepEqual(await answer(origin, '/files/missing'), {
        status: 404,
        body: '{"error":"not found"}',
      });
      assert.deepEqual(await answer(origin, '/elsewhere'), {
        status: 404,
        body: '{"error":"not found"}',
      });
      assert.equal((await fetch(`${origin}/health`)).headers.get('x-example'), 'yes');
    }));

  it('answers a refusal with its code and masks an unexpected error', () =>
    withHost(async (origin) => {
      assert.deepEqual(await answer(origin, '/files/refused'), {
        status: 403,
        body: '{"errors":[{"message":"Not yours.","extensions":{"code":"FORBIDDEN"}}]}',
      });
      assert.deepEqual(await answer(origin, '/files/broken'), {
        status: 500,
        body: '{"errors":[{"message":"Unexpected error.","extensions":{"code":"INTERNAL_SERVER_ERROR"}}]}',
      });
    }));

  it('stops once: a request under way finishes, and a second stop waits for the same', () =>
    withHost(async (origin, host, events) => {
      const slow = answer(origin, '/files/slow');
      await waitUntil(() => host.inFlight() === 1, { what: 'the slow request to be under way' });
      const first = host.stop();
      const second = host.stop();
      assert.equal(first, second);
      await first;
      assert.deepEqual(await slow, { status: 200, body: '{"path":"/files/slow"}' });
      // the drain waited for the request between the two steps
      assert.deepEqual(events, ['before drain', 'answered', 'after drain']);
      assert.equal(host.cutOff(), 0);
    }));
});
