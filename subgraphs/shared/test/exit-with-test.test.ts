import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startServiceProcess, waitUntil } from '../src/testing/index.js';

// an ended process nobody has reaped yet (a zombie) counts as ended
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return true;
  }
};

describe('processes a test started', () => {
  it('end themselves once the test process that started them is killed', async (t) => {
    const starter = startServiceProcess({
      entry: fileURLToPath(new URL('./support/starter-process.ts', import.meta.url)),
      env: {},
    });
    t.after(() => starter.kill());
    await waitUntil(() => starter.logs.some((line) => 'childPid' in line), {
      timeoutMs: 60_000,
      what: 'the starter to print its child',
    });
    const childPid = Number(starter.logs.find((line) => 'childPid' in line)!['childPid']);
    t.after(() => {
      if (alive(childPid)) process.kill(childPid, 'SIGKILL');
    });
    assert.ok(alive(childPid));

    starter.signal('SIGKILL');
    await starter.exited;
    await waitUntil(() => !alive(childPid), {
      timeoutMs: 10_000,
      what: `the orphaned child ${childPid} to end`,
    });
  });
});
