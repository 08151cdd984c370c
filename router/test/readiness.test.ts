import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import { hangingSubgraph } from './support/subgraph-proxies.js';
import { startLoneRouter } from './support/lone-router.js';

/** waits until `check` holds, polling */
async function until(what: string, check: () => boolean) {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** the body of a chunked HTTP/1.1 response */
function dechunk(raw: string): string {
  let body = '';
  for (let rest = raw; ;) {
    const lineEnd = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, lineEnd), 16);
    if (!size) return body;
    body += rest.slice(lineEnd + 2, lineEnd + 2 + size);
    rest = rest.slice(lineEnd + 2 + size + 2);
  }
}

describe('router readiness', () => {
  it('is ready with every subgraph unreachable: it can still serve', async () => {
    const { router, url } = await startLoneRouter();
    try {
      const response = await fetch(new URL('/ready', url));
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), {
        ready: true,
        draining: false,
        subgraphs: {
          customers: false,
          catalog: false,
          orders: false,
          inventory: false,
          shipments: false,
        },
      });
    } finally {
      await router.stop();
    }
  });

  it('answers /ready with 503 while draining', async () => {
    // a request held in flight keeps the router draining, and its connection open
    const catalog = await hangingSubgraph();
    const { router, url } = await startLoneRouter({
      subgraphUrls: { catalog: catalog.url },
      shutdownTimeoutMs: 10_000,
    });
    const socket = connect({ host: '127.0.0.1', port: Number(new URL(url).port) });
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    const closed = new Promise((resolve) => socket.once('close', resolve));
    try {
      const body = JSON.stringify({ query: '{ categories }' });
      socket.write(
        `POST /graphql HTTP/1.1\r\nhost: router\r\ncontent-type: application/json\r\n` +
          `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      await until('the query to reach the subgraph', () => catalog.bodies.length === 1);
      const stopped = router.stop();
      // new connections are refused now: the probe comes on the open one, after the query
      socket.write('GET /ready HTTP/1.1\r\nhost: router\r\n\r\n');
      // the draining router has the probe once it counts it beside the query
      await until('the probe to reach the draining router', () => router.inFlight() === 2);
      await catalog.stop(); // the query ends (with its subgraph's error), then the probe's answer
      await stopped;
      await closed;
      const ready = received.slice(received.lastIndexOf('HTTP/1.1 '));
      assert.match(ready, /^HTTP\/1\.1 503 /);
      assert.match(ready, /\r\ntransfer-encoding: chunked\r\n/i);
      assert.deepEqual(JSON.parse(dechunk(ready.slice(ready.indexOf('\r\n\r\n') + 4))), {
        ready: false,
        draining: true,
        subgraphs: {
          customers: false,
          catalog: false,
          orders: false,
          inventory: false,
          shipments: false,
        },
      });
    } finally {
      socket.destroy();
      await catalog.stop();
      await router.stop();
    }
  });
});
