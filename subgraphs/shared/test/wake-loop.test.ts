import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  notifyOnCommit,
  startWakeLoop,
  transaction,
  type DatabaseHandle,
  type WakeLoop,
} from '../src/index.js';
import { createTestDatabase, waitUntil } from '../src/testing/index.js';

const migrationsFolder = fileURLToPath(new URL('./drizzle', import.meta.url));
// a channel of its own, so that nothing but the test wakes the loops
const CHANNEL = 'wake_loop_test';
let handle: DatabaseHandle;

before(async () => {
  handle = await createTestDatabase({ name: 'wake-loop', migrationsFolder });
});
after(() => handle.close());

/** a loop whose drains each wait for the test to let them finish, or fail when told to */
async function gatedLoop() {
  const open: { finish: () => void; fail: (error: Error) => void }[] = [];
  const errors: unknown[] = [];
  let finished = 0;
  const loop: WakeLoop = await startWakeLoop({
    handle,
    channel: CHANNEL,
    pollIntervalMs: 3_600_000,
    onError: (error) => errors.push(error),
    drain: () =>
      new Promise<void>((resolve, reject) => {
        open.push({ finish: resolve, fail: reject });
      }).then(() => {
        finished++;
      }),
  });
  /** lets the `n`th drain (from 1) finish once it has begun */
  const finish = async (n: number) => {
    await waitUntil(() => open.length >= n, { what: `drain ${n} to begin` });
    open[n - 1]!.finish();
  };
  const fail = async (n: number) => {
    await waitUntil(() => open.length >= n, { what: `drain ${n} to begin` });
    open[n - 1]!.fail(new Error(`drain ${n} failed`));
  };
  /** stops the loop, letting the drain under way finish */
  const stop = async () => {
    const stopping = loop.stop();
    for (const gate of open) gate.finish();
    await stopping;
  };
  /** settled(), resolving to how many drains had finished by then */
  const settle = () => loop.settled().then(() => finished);
  return { loop, open, errors, finish, fail, stop, settle, finished: () => finished };
}

describe('a wake loop', () => {
  it('settles after a drain begun after the call, not the one under way', async () => {
    const { open, finish, stop, settle } = await gatedLoop();
    try {
      // the loop drains once as it starts
      assert.equal(open.length, 1);
      const settled = settle();
      await finish(1);
      await finish(2);
      assert.equal(await settled, 2);
    } finally {
      await stop();
    }
  });

  it('does not settle on a drain that fails, but on the retry that succeeds', async () => {
    const { errors, finish, fail, stop, settle, finished } = await gatedLoop();
    try {
      await finish(1);
      await waitUntil(() => finished() === 1, { what: 'the first drain' });
      const settled = settle();
      await fail(2);
      await finish(3);
      assert.equal(await settled, 2);
      assert.deepEqual(
        errors.map((error) => (error as Error).message),
        ['drain 2 failed'],
      );
    } finally {
      await stop();
    }
  });

  it('lets every waiter go when it stops, and those that come after at once', async () => {
    const { loop, finish, finished } = await gatedLoop();
    const settled = loop.settled();
    const stopped = loop.stop();
    await finish(1);
    await stopped;
    await settled;
    await loop.settled();
    // the drain asked for during the first one was not run: the loop had stopped
    assert.equal(finished(), 1);
  });

  it('is woken when a transaction that notifies its channel commits', async () => {
    const { finish, stop, finished } = await gatedLoop();
    try {
      await finish(1);
      await waitUntil(() => finished() === 1, { what: 'the first drain' });
      await transaction(handle.db, (tx) => notifyOnCommit(tx, { channel: CHANNEL }));
      await finish(2);
      await waitUntil(() => finished() === 2, { what: 'a drain woken by the commit' });
    } finally {
      await stop();
    }
  });
});

describe('notifyOnCommit', () => {
  it('hands its payload to the listeners once the transaction commits', async () => {
    const payloads: string[] = [];
    const unlisten = await handle.listen(CHANNEL, (payload) => payloads.push(payload));
    try {
      await transaction(handle.db, async (tx) => {
        await notifyOnCommit(tx, { channel: CHANNEL, payload: 'job-1' });
        await notifyOnCommit(tx, { channel: CHANNEL, payload: 'job-2' });
      });
      await waitUntil(() => payloads.length === 2, { what: 'both notifications' });
      assert.deepEqual(payloads, ['job-1', 'job-2']);
    } finally {
      await unlisten();
    }
  });

  it('sends nothing when the transaction rolls back', async () => {
    const payloads: string[] = [];
    const unlisten = await handle.listen(CHANNEL, (payload) => payloads.push(payload));
    try {
      await assert.rejects(
        transaction(handle.db, async (tx) => {
          await notifyOnCommit(tx, { channel: CHANNEL, payload: 'rolled back' });
          throw new Error('rolled back');
        }),
        /rolled back/,
      );
      await notifyOnCommit(handle.db, { channel: CHANNEL, payload: 'after' });
      await waitUntil(() => payloads.length >= 1, { what: 'the notification after' });
      assert.deepEqual(payloads, ['after']);
    } finally {
      await unlisten();
    }
  });
});
