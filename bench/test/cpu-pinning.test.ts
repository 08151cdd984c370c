import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  allowedCpus,
  choosePinning,
  formatCpuList,
  parseCpuList,
  planCpus,
} from '../src/services/cpu-pinning.js';
import { startProcess, waitUntil } from '../src/services/processes.js';

describe('cpu lists', () => {
  it('reads ranges and single cores, and writes runs back as ranges', () => {
    assert.deepEqual(parseCpuList('0-3,8,10-11\n'), [0, 1, 2, 3, 8, 10, 11]);
    assert.equal(formatCpuList([11, 0, 1, 2, 3, 8, 10]), '0-3,8,10-11');
    assert.equal(formatCpuList([5]), '5');
    assert.throws(() => parseCpuList('0-a'), /not a cpu list/);
  });
});

describe('the plan of cores', () => {
  it('pins nothing below four cores', () => {
    assert.equal(planCpus([0, 1]), null);
    assert.equal(planCpus([0, 1, 2]), null);
    const pinning = choosePinning('auto', [0, 1]);
    assert.equal(pinning.plan, null);
    assert.match(pinning.description, /not pinned \(2 cores; 4 are needed/);
  });

  it('gives the router one core, the load a quarter of the rest, the subgraphs the others', () => {
    assert.deepEqual(planCpus([0, 1, 2, 3]), { router: [0], load: [1], subgraphs: [2, 3] });
    assert.deepEqual(planCpus([0, 1, 2, 3, 4, 5, 6, 7]), {
      router: [0],
      load: [1],
      subgraphs: [2, 3, 4, 5, 6, 7],
    });
    assert.deepEqual(planCpus([...Array(16).keys()]), {
      router: [0],
      load: [1, 2, 3],
      subgraphs: [...Array(12).keys()].map((index) => index + 4),
    });
  });

  it('keeps to the cores the bench was given, however they are numbered', () => {
    assert.deepEqual(planCpus([4, 5, 8, 9]), { router: [4], load: [5], subgraphs: [8, 9] });
    assert.match(
      choosePinning('auto', [4, 5, 8, 9]).description,
      /router on CPU 4, load generators on CPU 5, subgraphs on CPU 8-9/,
    );
  });

  it('pins nothing when told not to', () => {
    assert.equal(choosePinning('off', [0, 1, 2, 3, 4, 5, 6, 7]).plan, null);
  });
});

describe('a pinned service', () => {
  const logDir = mkdtempSync(join(tmpdir(), 'ordergraph-pinning-'));
  after(() => rmSync(logDir, { recursive: true, force: true }));

  it('runs only on its cores, and so do the threads it starts', async () => {
    const last = allowedCpus().at(-1);
    assert.ok(last !== undefined, 'this machine reports the cores a process may use');
    const service = startProcess({
      name: 'pinned',
      entry: 'bench/test/support/idle-with-threads.ts',
      env: process.env,
      logDir,
      cpus: [last],
    });
    try {
      await waitUntil({
        service,
        check: async () => readFileSync(service.logFile, 'utf8').includes('worker online'),
      });
      assert.deepEqual(allowedCpus(service.pid), [last]);
      const threads = readdirSync(`/proc/${service.pid}/task`).map(Number);
      // node's own threads, libuv's and V8's, and the worker started after pinning
      assert.ok(threads.length > 2);
      for (const thread of threads) assert.deepEqual(allowedCpus(thread), [last]);
    } finally {
      await service.stop();
    }
  });
});
