import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { GraphQLError } from 'graphql';
import {
  appendEvent,
  createLogger,
  openEventStream,
  readEvents,
  startEventTail,
  type DatabaseHandle,
  type EventLogRow,
  type EventTail,
} from '../src/index.js';
import { createTestDatabase } from '../src/testing/index.js';

const migrationsFolder = fileURLToPath(new URL('./drizzle', import.meta.url));
let handle: DatabaseHandle;
let tail: EventTail;

before(async () => {
  handle = await createTestDatabase({ name: 'shared_streams', migrationsFolder });
  // a long poll interval: live events can only arrive through NOTIFY
  tail = await startEventTail({
    handle,
    log: createLogger({ name: 'test', level: 'silent' }),
    pollIntervalMs: 60_000,
  });
});
after(async () => {
  await tail.stop();
  await handle.close();
});

const append = (streamId: string, type: string) =>
  handle.db.transaction((tx) =>
    appendEvent(tx, { streamType: 'thing', streamId, type, payload: { streamId } }).then(
      (row) => row!,
    ),
  );

const open = (streamId: string, from: number | null, options = {}) =>
  openEventStream({
    tail,
    db: handle.db,
    stream: { streamType: 'thing', streamId },
    after: from,
    ...options,
  });

async function take(stream: AsyncIterator<EventLogRow>, count: number): Promise<EventLogRow[]> {
  const taken: EventLogRow[] = [];
  while (taken.length < count) {
    const next = await stream.next();
    assert.equal(next.done, false, `ended after ${taken.length} of ${count} events`);
    taken.push(next.value as EventLogRow);
  }
  return taken;
}

const typesOf = (events: EventLogRow[]) => events.map((event) => event.type);

describe('event streams over one tail', () => {
  it('replays the events after a cursor, oldest first, then sends live ones', async () => {
    const first = await append('a', 'thing.created');
    await append('b', 'thing.created');
    await append('a', 'thing.renamed');
    await append('a', 'thing.moved');
    const stream = await open('a', first.seq);
    assert.deepEqual(typesOf(await take(stream, 2)), ['thing.renamed', 'thing.moved']);
    await append('b', 'thing.deleted');
    await append('a', 'thing.deleted');
    assert.deepEqual(typesOf(await take(stream, 1)), ['thing.deleted']);
    await stream.return?.();
  });

  it('sends only what commits after it opened when it has no cursor', async () => {
    await append('c', 'thing.before');
    const stream = await open('c', null);
    await append('c', 'thing.after');
    assert.deepEqual(typesOf(await take(stream, 1)), ['thing.after']);
    await stream.return?.();
  });

  it('misses nothing and repeats nothing when events commit during the replay', async () => {
    for (let i = 0; i < 20; i++) await append('d', `thing.old.${i}`);
    // pages of three, and an event of the stream (and one of another) committed after every
    // read: replay and live overlap all the way through
    const stream = await open('d', 0, { replayBatchSize: 3 });
    const received: EventLogRow[] = [];
    for (let i = 0; i < 30; i++) {
      received.push(...(await take(stream, 1)));
      await append('d', `thing.new.${i}`);
      await append('e', 'thing.noise');
    }
    const all = await readEvents(handle.db, { streamType: 'thing', streamId: 'd', limit: 1000 });
    received.push(...(await take(stream, all.length - received.length)));
    assert.deepEqual(
      received.map((event) => event.seq),
      all.map((event) => event.seq),
    );
    await stream.return?.();
  });

  it('gives every subscriber of a stream every event, reading the log once', async () => {
    const streams = await Promise.all(Array.from({ length: 20 }, () => open('f', null)));
    const other = await open('g', null);
    const statementsBefore = handle.statements.count;
    const event = await append('f', 'thing.shared');
    for (const stream of streams) {
      assert.deepEqual(
        (await take(stream, 1)).map((e) => e.seq),
        [event.seq],
      );
    }
    // the append's own statements and a read or two of the tail: not one per subscriber
    assert.ok(handle.statements.count - statementsBefore < 20);
    await append('g', 'thing.other');
    assert.deepEqual(typesOf(await take(other, 1)), ['thing.other']);
    await Promise.all([...streams, other].map((stream) => stream.return?.()));
  });

  it('ends a subscriber that falls behind with SUBSCRIPTION_OVERFLOW, and only that one', async () => {
    const slow = await open('h', null, { queueLimit: 3 });
    const steady = await open('h', null);
    let last!: EventLogRow;
    for (let i = 0; i < 5; i++) last = await append('h', `thing.burst.${i}`);
    await tail.caughtUp(last.seq);
    await assert.rejects(slow.next(), (error: unknown) => {
      assert.ok(error instanceof GraphQLError);
      assert.equal(error.extensions['code'], 'SUBSCRIPTION_OVERFLOW');
      return true;
    });
    assert.deepEqual(await slow.next(), { done: true, value: undefined });
    assert.equal((await take(steady, 5)).at(-1)?.seq, last.seq);
    await steady.return?.();
  });

  it('ends a read that waits for the next event when the subscriber leaves', async () => {
    const stream = await open('i', null);
    const waiting = stream.next();
    await stream.return?.();
    assert.deepEqual(await waiting, { done: true, value: undefined });
    // nothing is queued for it any more
    const event = await append('i', 'thing.unheard');
    await tail.caughtUp(event.seq);
    assert.deepEqual(await stream.next(), { done: true, value: undefined });
  });
});
