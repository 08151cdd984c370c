import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { dropDatabase, executeRows, openDatabase, sql, type DatabaseHandle } from '../src/index.js';
import {
  freshTestDatabaseUrl,
  startServiceOnFreePort,
  subgraphRequest,
  viewers,
  waitUntil,
  type GraphQLResponse,
  type ListeningServiceProcess,
} from '../src/testing/index.js';

// SIGTERM to a subgraph process under load: what it accepted runs to its end, then it closes
// its database and exits 0, within SHUTDOWN_TIMEOUT_MS

const SHUTDOWN_TIMEOUT_MS = 8_000;
// startSubgraph's own margin for closing the pool and flushing traces
const EXIT_MARGIN_MS = 2_000;
const WORKERS = 20;
// the load's mutations, and the longer last one of each worker that the signal interrupts
const MUTATION_MS = 300;
const LAST_MUTATION_MS = 1_500;
const RECORD = 'mutation Record($id: String!, $ms: Int!) { record(id: $id, ms: $ms) }';

const migrationsFolder = fileURLToPath(new URL('./drizzle', import.meta.url));
const databaseUrl = freshTestDatabaseUrl('sigterm');
const dataDir = mkdtempSync(join(tmpdir(), 'ordergraph-sigterm-'));

let service: ListeningServiceProcess;
let url: string;

before(async () => {
  service = await startServiceOnFreePort({
    entry: fileURLToPath(new URL('./support/slow-subgraph.ts', import.meta.url)),
    env: {
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
      LOG_LEVEL: 'info',
    },
  });
  url = `${service.origin}/graphql`;
  await service.waitUntilReady({ what: 'the subgraph process to be ready' });
});
after(async () => {
  await service.kill();
  if (databaseUrl) await dropDatabase(databaseUrl);
  rmSync(dataDir, { recursive: true, force: true });
});

const record = (id: string, ms: number) =>
  subgraphRequest<{ record: string }>(url, {
    query: RECORD,
    variables: { id, ms },
    viewer: viewers.service(),
  });

describe('SIGTERM to a subgraph process', () => {
  it('finishes every request under way, refuses new connections, closes its database and exits 0', async () => {
    // load: each worker sends mutations back to back; told to finish, it sends a longer last one
    const answers = new Map<string, Promise<GraphQLResponse<{ record: string }> | Error>>();
    const outstanding = new Set<string>();
    let finishing = false;
    const workers = Array.from({ length: WORKERS }, async (_, worker) => {
      for (let round = 0; ; round++) {
        const last = finishing;
        const id = `w${worker}-${last ? 'last' : round}`;
        outstanding.add(id);
        const answer = record(id, last ? LAST_MUTATION_MS : MUTATION_MS).catch(
          (error: unknown) => error as Error,
        );
        answers.set(id, answer);
        await answer;
        outstanding.delete(id);
        if (last) return;
      }
    });
    await waitUntil(() => answers.size >= 3 * WORKERS, { what: 'three rounds of load' });

    // the signal comes once every worker's last request is under way at the subgraph (past its
    // first statement): a request still in the network when the listener closes is not one
    // the service had accepted
    finishing = true;
    await waitUntil(
      async () => {
        const { data } = await subgraphRequest<{ pending: number }>(url, {
          query: '{ pending }',
          viewer: viewers.service(),
        });
        const lastOnes = [...outstanding].filter((id) => id.endsWith('-last'));
        return lastOnes.length === WORKERS && data?.pending === WORKERS;
      },
      { what: 'every worker’s last request to be under way' },
    );
    const underWay = [...outstanding];
    service.signal('SIGTERM');

    await service.waitUntilRefusing();
    assert.equal(outstanding.size, WORKERS, 'the requests are still under way');
    await Promise.all(workers);

    for (const [id, answer] of answers) {
      assert.deepEqual(await answer, { status: 200, data: { record: id } }, id);
    }
    await service.assertExits({ code: 0, withinMs: SHUTDOWN_TIMEOUT_MS + EXIT_MARGIN_MS });
    const messages = service.logs.map((line) => line['msg']);
    assert.ok(messages.includes('shutting down'));
    assert.ok(messages.includes('database closed'), 'the pool was closed before exiting');

    // every answered mutation ran both its statements: nothing was cut off half way
    const handle: DatabaseHandle = await openDatabase({
      url: databaseUrl,
      dataDir: databaseUrl ? undefined : join(dataDir, 'slow'),
      migrationsFolder,
    });
    try {
      const rows = await executeRows<{ consumer: string; position: string | number }>(
        handle.db,
        sql`select consumer, position from event_cursors`,
      );
      const finished = new Set(
        rows.filter((row) => Number(row.position) === 1).map((row) => row.consumer),
      );
      assert.equal(rows.length, answers.size);
      for (const id of [...answers.keys(), ...underWay]) assert.ok(finished.has(id), id);
    } finally {
      await handle.close();
    }
  });
});
