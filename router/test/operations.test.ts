import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { executeRows, sql } from '@ordergraph/shared';
import { captureTestLogs, testDatabaseKind, testLogger } from '@ordergraph/shared/testing';
import postgres from 'postgres';
import { SUPERGRAPH_FILE } from '../src/composition.js';
import { parsePrometheusText } from './support/prometheus.js';
import { watchSupergraph } from '../src/observability/supergraph-watch.js';
import { startStack, type Stack } from './support/stack.js';

let stack: Stack;
let logs: ReturnType<typeof captureTestLogs>;
before(async () => {
  logs = captureTestLogs();
  stack = await startStack();
});
after(async () => {
  await stack.stop();
  logs.stop();
});

/** polls until `read` returns what `done` accepts; fails after `timeoutMs` */
async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 20_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`still ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const readiness = async (graphqlUrl: string) => {
  const response = await fetch(new URL('/ready', graphqlUrl));
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe('/health and /ready', () => {
  it('answers /health on every service', async () => {
    for (const url of [stack.routerUrl, ...Object.values(stack.subgraphs).map((s) => s.url)]) {
      const response = await fetch(new URL('/health', url));
      assert.equal(response.status, 200);
      assert.equal(((await response.json()) as { status: string }).status, 'ok');
    }
  });

  it('keeps the router ready while a subgraph is down, naming it in /ready and on /metrics', async () => {
    const subgraphUp = async () => {
      const text = await (await fetch(new URL('/metrics', stack.routerUrl))).text();
      const scraped = parsePrometheusText(text);
      return Object.fromEntries(
        Object.keys(stack.subgraphs).map((name) => [
          name,
          scraped.value('ordergraph_router_subgraph_up', { subgraph: name }),
        ]),
      );
    };
    assert.deepEqual(await readiness(stack.routerUrl), {
      status: 200,
      body: {
        ready: true,
        draining: false,
        subgraphs: {
          customers: true,
          catalog: true,
          orders: true,
          inventory: true,
          shipments: true,
        },
      },
    });
    await stack.stopSubgraph('shipments');
    // the rest of the graph is still served: taking every replica out would fail it too
    assert.deepEqual(await readiness(stack.routerUrl), {
      status: 200,
      body: {
        ready: true,
        draining: false,
        subgraphs: {
          customers: true,
          catalog: true,
          orders: true,
          inventory: true,
          shipments: false,
        },
      },
    });
    assert.deepEqual(await subgraphUp(), {
      customers: 1,
      catalog: 1,
      orders: 1,
      inventory: 1,
      shipments: 0,
    });
    const categories = await stack.request({ query: '{ categories }' });
    assert.equal(categories.errors, undefined);
    await stack.startSubgraph('shipments');
    const up = await eventually(
      () => readiness(stack.routerUrl),
      (r) => (r.body['subgraphs'] as Record<string, boolean>)['shipments'] === true,
    );
    assert.equal(up.status, 200);
    assert.equal((await subgraphUp())['shipments'], 1);
  });

  it('turns a subgraph unready while its database is down; the router reports it and stays ready', async (t) => {
    if (testDatabaseKind !== 'postgres') {
      // an embedded database lives in the process: it cannot go down on its own
      return t.skip('needs PostgreSQL (TEST_DATABASE_URL)');
    }
    const catalog = stack.subgraphs.catalog;
    const [row] = await executeRows<{ name: string }>(
      catalog.handle.db,
      sql`select current_database() as name`,
    );
    const name = row!.name;
    const admin = postgres(process.env['TEST_DATABASE_URL'] ?? process.env['DATABASE_URL']!, {
      max: 1,
      onnotice: () => {},
    });
    try {
      await admin.unsafe(`alter database "${name}" with allow_connections false`);
      await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${name}`;
      const down = await eventually(
        () => readiness(catalog.url),
        (r) => r.status === 503,
      );
      assert.deepEqual(down.body, { ready: false, service: 'catalog' });
      const router = await readiness(stack.routerUrl);
      assert.equal(router.status, 200);
      assert.equal((router.body['subgraphs'] as Record<string, boolean>)['catalog'], false);
    } finally {
      await admin.unsafe(`alter database "${name}" with allow_connections true`);
      await admin.end({ timeout: 5 });
    }
    await eventually(
      () => readiness(catalog.url),
      (r) => r.status === 200,
    );
    await eventually(
      () => readiness(stack.routerUrl),
      (r) => (r.body['subgraphs'] as Record<string, boolean>)['catalog'] === true,
    );
  });
});

describe('supergraph hot reload', () => {
  it('serves a changed supergraph file, ignores a broken one, and drops no request meanwhile', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'supergraph-'));
    const path = join(directory, 'supergraph.graphql');
    const original = readFileSync(SUPERGRAPH_FILE, 'utf8');
    writeFileSync(path, original);
    const watcher = watchSupergraph({
      path,
      initialSdl: original,
      reload: (sdl) => stack.router.reload(sdl),
      log: testLogger('router'),
    });
    const answers: { status: number; errors?: unknown }[] = [];
    let loading = true;
    const load = (async () => {
      while (loading) answers.push(await stack.request({ query: '{ categories }' }));
    })();
    const categoriesDescription = async () => {
      const response = await stack.request<{
        __type: { fields: { name: string; description: string }[] };
      }>({
        query: '{ __type(name: "Query") { fields { name description } } }',
      });
      return response.data?.__type.fields.find((field) => field.name === 'categories')?.description;
    };
    try {
      writeFileSync(path, 'this is not a supergraph {');
      await eventually(
        async () =>
          logs.lines.filter((line) => String(line['msg']).startsWith('supergraph file is invalid'))
            .length,
        (count) => count === 1,
      );
      assert.equal(
        await categoriesDescription(),
        'Every category that has products, in alphabetical order.',
      );

      writeFileSync(
        path,
        original.replace(
          '"""Every category that has products, in alphabetical order."""',
          '"""Every category, reloaded."""',
        ),
      );
      await eventually(
        categoriesDescription,
        (description) => description === 'Every category, reloaded.',
      );
    } finally {
      loading = false;
      await load;
      watcher.close();
      rmSync(directory, { recursive: true, force: true });
      stack.router.reload(original);
    }
    assert.ok(answers.length > 0);
    assert.deepEqual(
      answers.filter((answer) => answer.status !== 200 || answer.errors),
      [],
    );
  });
});

describe('graceful shutdown', () => {
  it('answers every request it accepted before stop, in full', async () => {
    const query = JSON.stringify({ query: '{ categories }' });
    const expected = ((await stack.request({ query: '{ categories }' })) as { data: unknown }).data;
    const { port } = new URL(stack.routerUrl);
    const router = stack.router;
    // each request sends its headers and half its body, so it is under way when stop begins
    const held = Array.from({ length: 10 }, () => {
      let finishBody!: () => void;
      const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
        const request = httpRequest(
          {
            host: '127.0.0.1',
            port,
            path: '/graphql',
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(query),
            },
          },
          (response) => {
            let body = '';
            response.setEncoding('utf8');
            response.on('data', (chunk: string) => (body += chunk));
            response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
            response.on('error', reject);
          },
        );
        request.on('error', reject);
        request.write(query.slice(0, 10));
        finishBody = () => request.end(query.slice(10));
      });
      return { answer, finishBody: () => finishBody() };
    });
    await eventually(
      async () => router.inFlight(),
      (count) => count === held.length,
    );

    const stopped = router.stop();
    // a new connection is refused from now on
    await eventually(
      () =>
        fetch(stack.routerUrl, { method: 'POST' }).then(
          () => 'accepted',
          () => 'refused',
        ),
      (outcome) => outcome === 'refused',
    );
    for (const request of held) request.finishBody();
    const answers = await Promise.all(held.map((request) => request.answer));
    await stopped;
    for (const answer of answers) {
      assert.equal(answer.status, 200);
      assert.deepEqual(JSON.parse(answer.body), { data: expected });
    }
    // the stack's own stop runs on a router that is already stopped: give it a fresh one
    await stack.restartRouter();
  });
});
