import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import {
  appendEvent,
  changeAndAppendEvent,
  followEventLog,
  readEvents,
  withAppendsLast,
  type DatabaseHandle,
  type EventLogRow,
} from '../src/index.js';
import {
  createTestDatabase,
  racesNeedPostgres,
  someoneWaitsOnALock,
} from '../src/testing/index.js';

const migrationsFolder = fileURLToPath(new URL('./drizzle', import.meta.url));
let handle: DatabaseHandle;

before(async () => {
  handle = await createTestDatabase({ name: 'shared_events', migrationsFolder });
});
after(() => handle.close());

const append = (streamId: string, type: string) =>
  handle.db.transaction((tx) =>
    appendEvent(tx, { streamType: 'thing', streamId, type, payload: { streamId } }).then(
      (row) => row!,
    ),
  );

/** resolves once `count` events have reached the reader */
function collector(count: number) {
  const seen: EventLogRow[] = [];
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  return {
    seen,
    finished,
    onEvent: async (event: EventLogRow) => {
      seen.push(event);
      if (seen.length === count) done();
    },
  };
}

describe('event log', () => {
  it('numbers events in order and reads them by stream after a cursor', async () => {
    const a = await append('a', 'thing.created');
    const b = await append('b', 'thing.created');
    const c = await append('a', 'thing.changed');
    assert.ok(a.seq < b.seq && b.seq < c.seq);
    const stream = await readEvents(handle.db, { streamType: 'thing', streamId: 'a' });
    assert.deepEqual(
      stream.map((e) => [e.type, e.payload]),
      [
        ['thing.created', { streamId: 'a' }],
        ['thing.changed', { streamId: 'a' }],
      ],
    );
    assert.deepEqual(
      (await readEvents(handle.db, { after: a.seq })).map((e) => e.seq),
      [b.seq, c.seq],
    );
  });

  it('records nothing when the transaction rolls back', async () => {
    const before = await readEvents(handle.db, {});
    await assert.rejects(
      handle.db.transaction(async (tx) => {
        await appendEvent(tx, { streamType: 'thing', streamId: 'x', type: 'thing.lost' });
        throw new Error('rolled back');
      }),
    );
    assert.equal((await readEvents(handle.db, {})).length, before.length);
  });

  it('appends the event of a change in its statement, and nothing when nothing changed', async () => {
    const start = (await readEvents(handle.db, { limit: 1000 })).at(-1)?.seq ?? 0;
    const seen = collector(1);
    // a long poll interval: only the statement's NOTIFY can deliver the event in time
    const reader = await followEventLog({
      handle,
      after: start,
      onEvent: seen.onEvent,
      pollIntervalMs: 60_000,
    });
    const bump = () =>
      changeAndAppendEvent(handle.db, {
        change: sql`update event_cursors set position = position + 1
                    where consumer = 'changed' returning consumer, position`,
        event: {
          streamType: 'cursor',
          streamId: sql`changed.consumer`,
          type: 'cursor.moved',
          payload: sql`jsonb_build_object('position', changed.position)`,
        },
      });
    assert.equal(await bump(), 0);
    assert.deepEqual(await readEvents(handle.db, { after: start }), []);
    await handle.db.execute(
      sql`insert into event_cursors (consumer, position) values ('changed', 41)`,
    );
    assert.equal(await bump(), 1);
    await seen.finished;
    await reader.stop();
    assert.deepEqual(
      seen.seen.map((e) => [e.streamType, e.streamId, e.type, e.payload]),
      [['cursor', 'changed', 'cursor.moved', { position: 42 }]],
    );
  });

  it('wakes a follower through NOTIFY and resumes from its cursor after a restart', async () => {
    const start = (await readEvents(handle.db, { limit: 1000 })).at(-1)?.seq ?? 0;
    const first = collector(2);
    // a long poll interval: only NOTIFY can deliver these in time
    const reader = await followEventLog({
      handle,
      after: start,
      onEvent: first.onEvent,
      pollIntervalMs: 60_000,
    });
    await append('n', 'thing.one');
    await append('n', 'thing.two');
    await first.finished;
    await reader.stop();
    assert.deepEqual(
      first.seen.map((e) => e.type),
      ['thing.one', 'thing.two'],
    );

    await append('n', 'thing.three'); // while nobody follows
    const second = collector(1);
    const resumed = await followEventLog({
      handle,
      after: reader.position,
      onEvent: second.onEvent,
      pollIntervalMs: 60_000,
    });
    await second.finished;
    await resumed.stop();
    assert.deepEqual(
      second.seen.map((e) => e.type),
      ['thing.three'],
    );
  });

  it('retries a failing handler without skipping the event', async () => {
    const start = (await readEvents(handle.db, { limit: 1000 })).at(-1)?.seq ?? 0;
    await append('r', 'thing.flaky');
    let attempts = 0;
    const done = collector(1);
    const reader = await followEventLog({
      handle,
      after: start,
      pollIntervalMs: 60_000,
      onEvent: async (event) => {
        attempts++;
        if (attempts < 3) throw new Error('not yet');
        await done.onEvent(event);
      },
    });
    await done.finished;
    await reader.stop();
    assert.equal(attempts, 3);
    assert.equal(done.seen[0]?.type, 'thing.flaky');
  });

  it(
    'holds the appends of a batch back to its end, in order, without holding the log meanwhile',
    { skip: racesNeedPostgres },
    async () => {
      const before = (await readEvents(handle.db, { limit: 10_000 })).at(-1)?.seq ?? 0;
      let otherAppend: EventLogRow | undefined;
      await handle.db.transaction((tx) =>
        withAppendsLast(tx, async () => {
          assert.equal(
            await appendEvent(tx, { streamType: 'batch', streamId: 'b', type: 'one' }),
            null,
          );
          await appendEvent(tx, { streamType: 'batch', streamId: 'b', type: 'two' });
          // the log's lock is not taken yet: another transaction appends and commits meanwhile
          otherAppend = await append('other', 'meanwhile');
        }),
      );
      const after = await readEvents(handle.db, { after: before, limit: 10 });
      assert.deepEqual(
        after.map((event) => event.type),
        ['meanwhile', 'one', 'two'],
      );
      assert.equal(after[0]?.seq, otherAppend?.seq);
      assert.equal(after[2]!.seq, after[1]!.seq + 1);
    },
  );

  it(
    'numbers an append only once the appends before it have committed',
    { skip: racesNeedPostgres },
    async () => {
      let commitFirst!: () => void;
      const firstMayCommit = new Promise<void>((resolve) => (commitFirst = resolve));
      let firstAppended!: (row: EventLogRow) => void;
      const firstRow = new Promise<EventLogRow>((resolve) => (firstAppended = resolve));
      const first = handle.db.transaction(async (tx) => {
        firstAppended(
          (await appendEvent(tx, { streamType: 'thing', streamId: 'held', type: 'a' }))!,
        );
        await firstMayCommit;
      });
      const held = await firstRow;
      let secondDone = false;
      const second = append('waiting', 'b').then((row) => {
        secondDone = true;
        return row;
      });
      // the second has reached the log's lock and waits there, or it went ahead
      await someoneWaitsOnALock(handle.db, {
        what: 'the second append',
        unless: () => secondDone,
      });
      const wentAhead = secondDone;
      commitFirst();
      await first;
      assert.equal(wentAhead, false, 'the second append went ahead while the first was open');
      const waited = await second;
      assert.ok(waited.seq > held.seq);
      assert.equal(waited.payload['streamId'], 'waiting');
      assert.ok(waited.occurredAt instanceof Date);
    },
  );

  it(
    'keeps commit order equal to sequence order under concurrent appends',
    { skip: racesNeedPostgres },
    async () => {
      const start = (await readEvents(handle.db, { limit: 1000 })).at(-1)?.seq ?? 0;
      const all = collector(30);
      const reader = await followEventLog({
        handle,
        after: start,
        onEvent: all.onEvent,
        pollIntervalMs: 60_000,
      });
      await Promise.all(Array.from({ length: 30 }, (_, i) => append(`c${i}`, 'thing.concurrent')));
      await all.finished;
      await reader.stop();
      const seqs = all.seen.map((e) => e.seq);
      assert.deepEqual(
        seqs,
        [...seqs].sort((x, y) => x - y),
      );
      assert.equal(new Set(seqs).size, 30);
    },
  );
});
