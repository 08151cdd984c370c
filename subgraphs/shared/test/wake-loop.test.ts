import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { notifyOnCommit, transaction, type DatabaseHandle } from '../src/index.js';
import { createTestDatabase, waitUntil } from '../src/testing/index.js';

const migrationsFolder = fileURLToPath(new URL('./drizzle', import.meta.url));
// a channel of its own, so that nothing but the test wakes the loops
const CHANNEL = 'wake_loop_test';
let handle: DatabaseHandle;

before(async () => {
  handle = await createTestDatabase({ name: 'wake-loop', migrationsFolder });
});
after(() => handle.close());

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
