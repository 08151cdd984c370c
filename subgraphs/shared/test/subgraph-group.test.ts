import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { launchSubgraphs, stopSubgraphs, type DatabaseHandle } from '../src/index.js';
import {
  connectionOutcome,
  freePort,
  startServiceProcess,
  subgraphRequest,
  viewers,
  waitUntil,
} from '../src/testing/index.js';
import { groupService } from './support/group-services.js';

// several subgraphs in one process (npm start in development): each on its own database and
// port, and none left running when another fails to start or the process is told to stop

const dataDir = mkdtempSync(join(tmpdir(), 'ordergraph-group-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

const occupy = (port: number) =>
  new Promise<Server>((resolve) => {
    const server = createServer().listen(port, '127.0.0.1', () => resolve(server));
  });

describe('subgraphs in one process', () => {
  it('serves each subgraph on its own port and database, and stops them all', async () => {
    const ports = [await freePort(), await freePort()];
    const handles: DatabaseHandle[] = [];
    const running = await launchSubgraphs(
      ['first', 'second'].map((name, index) =>
        groupService({ name, port: ports[index]!, dataDir, onHandle: (h) => handles.push(h) }),
      ),
    );
    for (const [index, name] of ['first', 'second'].entries()) {
      const answer = await subgraphRequest<{ name: string }>(
        `http://127.0.0.1:${ports[index]}/graphql`,
        { query: '{ name }', viewer: viewers.service() },
      );
      assert.deepEqual(answer, { status: 200, data: { name } });
    }
    for (const name of ['first', 'second']) {
      assert.ok(
        existsSync(join(dataDir, name, 'PG_VERSION')),
        `${name} has no database of its own`,
      );
    }
    assert.equal(await stopSubgraphs(running), 0);
    for (const port of ports) assert.equal(await connectionOutcome(port), 'refused');
    for (const handle of handles) assert.equal(await handle.ping(), false);
  });

  it('stops the subgraphs that started when another fails to, naming it', async () => {
    const ports = [await freePort(), await freePort()];
    const taken = await occupy(ports[1]!);
    const handles: DatabaseHandle[] = [];
    try {
      await assert.rejects(
        launchSubgraphs(
          ['first', 'second'].map((name, index) =>
            groupService({ name, port: ports[index]!, dataDir, onHandle: (h) => handles.push(h) }),
          ),
        ),
        /^Error: could not start second: listen EADDRINUSE/,
      );
    } finally {
      taken.close();
    }
    assert.equal(handles.length, 2);
    assert.equal(await connectionOutcome(ports[0]!), 'refused');
    for (const handle of handles) assert.equal(await handle.ping(), false);
  });

  it('stops every subgraph of the process on SIGINT and exits 0', async () => {
    const ports = [await freePort(), await freePort()];
    const group = startServiceProcess({
      entry: fileURLToPath(new URL('./support/group-process.ts', import.meta.url)),
      env: {
        FIRST_PORT: String(ports[0]),
        SECOND_PORT: String(ports[1]),
        DATA_DIR: dataDir,
        DATABASE_URL: undefined,
      },
    });
    try {
      for (const port of ports) {
        await waitUntil(
          () =>
            fetch(`http://127.0.0.1:${port}/ready`).then(
              (response) => response.ok,
              () => false,
            ),
          { timeoutMs: 120_000, what: `the subgraph on ${port} to be ready` },
        );
      }
      group.signal('SIGINT');
      await group.assertExits({ code: 0, withinMs: 10_000 });
      const closed = group.logs.filter((line) => line['msg'] === 'database closed');
      assert.deepEqual(closed.map((line) => line['service']).sort(), ['first', 'second']);
    } finally {
      await group.kill();
    }
  });

  it('exits 1 when one of its subgraphs cannot start', async () => {
    const ports = [await freePort(), await freePort()];
    const taken = await occupy(ports[0]!);
    const group = startServiceProcess({
      entry: fileURLToPath(new URL('./support/group-process.ts', import.meta.url)),
      env: {
        FIRST_PORT: String(ports[0]),
        SECOND_PORT: String(ports[1]),
        DATA_DIR: dataDir,
        DATABASE_URL: undefined,
      },
    });
    try {
      await group.assertExits({ code: 1, withinMs: 120_000 });
      const failed = group.logs.find((line) => line['msg'] === 'failed to start');
      assert.equal(failed?.['service'], 'first');
      assert.equal(await connectionOutcome(ports[1]!), 'refused');
    } finally {
      taken.close();
      await group.kill();
    }
  });
});
