import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { dropDatabase, signViewer } from '../src/index.js';
import {
  freshTestDatabaseUrl,
  startServiceOnFreePort,
  subgraphRequest,
  TEST_SIGNING_SECRET,
  viewers,
  waitUntil,
  type ListeningServiceProcess,
} from '../src/testing/index.js';

// SIGTERM to a subgraph process with a request under way: /ready answers 503 while it drains,
// and a request still running at SHUTDOWN_TIMEOUT_MS is cut off and the process exits 1

const ENTRY = fileURLToPath(new URL('./support/slow-subgraph.ts', import.meta.url));
const RECORD = 'mutation Record($id: String!, $ms: Int!) { record(id: $id, ms: $ms) }';

/** the slow subgraph as a process of its own, on a database of its own */
async function startSlowSubgraph(
  shutdownTimeoutMs: number,
  test: { after(fn: () => Promise<void>): void },
): Promise<ListeningServiceProcess> {
  const databaseUrl = freshTestDatabaseUrl('shutdown');
  const dataDir = mkdtempSync(join(tmpdir(), 'ordergraph-shutdown-'));
  const started: ListeningServiceProcess[] = [];
  // registered before the start, so that a failed start is cleaned up too
  test.after(async () => {
    for (const service of started) await service.kill();
    if (databaseUrl) await dropDatabase(databaseUrl);
    rmSync(dataDir, { recursive: true, force: true });
  });
  const service = await startServiceOnFreePort({
    entry: ENTRY,
    env: {
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      SHUTDOWN_TIMEOUT_MS: String(shutdownTimeoutMs),
      LOG_LEVEL: 'info',
    },
  });
  started.push(service);
  await service.waitUntilReady({ what: 'the slow subgraph process to be ready' });
  return service;
}

/** a raw connection to the service, to send requests one after another on one socket */
function openConnection(service: ListeningServiceProcess) {
  const socket = connect({ host: '127.0.0.1', port: service.port });
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (received += chunk));
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const headers = signViewer(viewers.service(), { secret: TEST_SIGNING_SECRET });
  return {
    closed,
    get received() {
      return received;
    },
    record(id: string, ms: number) {
      const body = JSON.stringify({ query: RECORD, variables: { id, ms } });
      const signed = Object.entries(headers)
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('');
      socket.write(
        `POST /graphql HTTP/1.1\r\nhost: slow\r\ncontent-type: application/json\r\n${signed}` +
          `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    },
    ready() {
      socket.write('GET /ready HTTP/1.1\r\nhost: slow\r\n\r\n');
    },
    destroy: () => socket.destroy(),
  };
}

/** the JSON body of one raw HTTP/1.1 response, chunked or not */
function bodyOf(answer: string): unknown {
  const headEnd = answer.indexOf('\r\n\r\n');
  let rest = answer.slice(headEnd + 4);
  if (!/\r\ntransfer-encoding: chunked\r\n/i.test(answer.slice(0, headEnd + 2))) {
    return JSON.parse(rest);
  }
  let body = '';
  for (;;) {
    const lineEnd = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, lineEnd), 16);
    if (!size) return JSON.parse(body);
    body += rest.slice(lineEnd + 2, lineEnd + 2 + size);
    rest = rest.slice(lineEnd + 2 + size + 2);
  }
}

const pending = async (service: ListeningServiceProcess) => {
  const { data } = await subgraphRequest<{ pending: number }>(`${service.origin}/graphql`, {
    query: '{ pending }',
    viewer: viewers.service(),
  });
  return data?.pending ?? -1;
};

describe('a subgraph process draining after SIGTERM', () => {
  it('answers /ready with 503 once the drain has begun, after the request under way', async (t) => {
    const service = await startSlowSubgraph(60_000, t);
    const connection = openConnection(service);
    try {
      connection.record('drained', 1_500);
      await waitUntil(async () => (await pending(service)) === 1, {
        what: 'the mutation to be under way',
      });
      service.signal('SIGTERM');
      // the drain has begun once the process says so; the probe comes on the open connection
      await waitUntil(() => service.logs.some((line) => line['msg'] === 'shutting down'), {
        what: 'the process to begin its shutdown',
      });
      connection.ready();
      await connection.closed;
      const answers = connection.received.split(/(?=HTTP\/1\.1 )/);
      assert.equal(answers.length, 2, connection.received);
      assert.match(answers[0]!, /^HTTP\/1\.1 200 /);
      assert.deepEqual(bodyOf(answers[0]!), { data: { record: 'drained' } });
      assert.match(answers[1]!, /^HTTP\/1\.1 503 /);
      assert.match(answers[1]!, /\r\nconnection: close\r\n/i);
      assert.deepEqual(bodyOf(answers[1]!), { ready: false, service: 'slow' });
      assert.equal((await service.exited).code, 0);
    } finally {
      connection.destroy();
    }
  });

  it('cuts off a request still running at SHUTDOWN_TIMEOUT_MS and exits 1', async (t) => {
    const service = await startSlowSubgraph(1_000, t);
    const connection = openConnection(service);
    try {
      // ten minutes: far past the deadline
      connection.record('stuck', 600_000);
      await waitUntil(async () => (await pending(service)) === 1, {
        what: 'the mutation to be under way',
      });
      service.signal('SIGTERM');
      await connection.closed;
      assert.equal(connection.received, '', 'the request got no answer');
      assert.equal((await service.exited).code, 1);
      const messages = service.logs.map((line) => line['msg']);
      const cutOff = service.logs.find(
        (line) => line['msg'] === 'shutdown deadline passed: requests cut off',
      );
      assert.deepEqual(
        { cutOff: cutOff?.['cutOff'], shutdownTimeoutMs: cutOff?.['shutdownTimeoutMs'] },
        { cutOff: 1, shutdownTimeoutMs: 1_000 },
      );
      // in this order: the signal, the deadline, then the database closed before the exit
      assert.deepEqual(
        messages.filter((message) =>
          [
            'shutting down',
            'shutdown deadline passed: requests cut off',
            'database closed',
          ].includes(String(message)),
        ),
        ['shutting down', 'shutdown deadline passed: requests cut off', 'database closed'],
      );
    } finally {
      connection.destroy();
    }
  });
});
