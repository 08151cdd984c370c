import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'graphql';
import {
  appendEvent,
  createEventFeed,
  createServiceClient,
  createSubgraphServer,
  DateTimeScalar,
  eventCursors,
  eventFeedResolver,
  startEventConsumer,
  startEventTail,
  type DatabaseHandle,
  type EventFeed,
  type EventTail,
  type SubgraphServer,
} from '../src/index.js';
import { createTestDatabase, TEST_SIGNING_SECRET, testLogger } from '../src/testing/index.js';
import { thingsEvents } from './support/things-events.js';

const migrationsFolder = fileURLToPath(new URL('./drizzle', import.meta.url));
const common = readFileSync(new URL('../schema/common.graphql', import.meta.url), 'utf8');
const loggedEvent = common.slice(common.indexOf('"""\nOne entry of a service'));
const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@shareable", "@inaccessible"])
  scalar DateTime
  ${loggedEvent}
  type Query {
    thingsEventLog(after: String!, first: Int! = 100, waitMs: Int! = 0, types: [String!]): [LoggedEvent!]! @inaccessible
  }
`);
const log = testLogger('feed-test');

let producerDb: DatabaseHandle;
let consumerDb: DatabaseHandle;
let tail: EventTail;
let fromTail: EventFeed;
let fromLog: EventFeed;
let producer: SubgraphServer;
let producerUrl: string;

const produce = (type: string, streamId = type) =>
  producerDb.db.transaction((tx) =>
    appendEvent(tx, { streamType: 'thing', streamId, type }).then((row) => row!),
  );

/** the statements the producer's database has run so far */
const statements = () => producerDb.statements.count;

before(async () => {
  producerDb = await createTestDatabase({ name: 'feed-producer', migrationsFolder });
  consumerDb = await createTestDatabase({ name: 'feed-consumer', migrationsFolder });
  // events from before the tail started: only the log has them
  await produce('thing.old');
  tail = await startEventTail({ handle: producerDb, log, pollIntervalMs: 60_000 });
  fromTail = createEventFeed(producerDb, { tail });
  fromLog = createEventFeed(producerDb);
  producer = await createSubgraphServer({
    name: 'things',
    typeDefs,
    resolvers: { DateTime: DateTimeScalar, Query: { thingsEventLog: eventFeedResolver(fromTail) } },
    signingSecret: TEST_SIGNING_SECRET,
    log,
    createContext: (base) => base,
    onStop: async () => {
      await fromTail.close();
      await fromLog.close();
      await tail.stop();
    },
  });
  producerUrl = await producer.listen({ port: 0 });
});
after(async () => {
  await producer.stop();
  await producerDb.close();
  await consumerDb.close();
});

describe('a service event feed', () => {
  it('answers from the tail without reading the log, and from the log past its window', async () => {
    const a = await produce('thing.a');
    const b = await produce('thing.b');
    await tail.caughtUp(b.seq);
    const before = statements();
    const kept = await fromTail.read({ after: a.seq - 1, first: 10, waitMs: 0 });
    assert.deepEqual(
      kept.map((event) => event.type),
      ['thing.a', 'thing.b'],
    );
    assert.equal(statements(), before, 'read from memory');
    // the event before the tail started is only in the log
    const all = await fromTail.read({ after: 0, first: 10, waitMs: 0 });
    assert.deepEqual(all.map((event) => event.type).slice(0, 1), ['thing.old']);
    assert.ok(statements() > before, 'read from the log');
    assert.deepEqual(
      (await fromLog.read({ after: a.seq - 1, first: 10, waitMs: 0 })).map((e) => e.seq),
      kept.map((e) => e.seq),
    );
  });

  it('returns only the types asked for, waiting past the others, and then the newest passed over', async () => {
    const start = tail.position;
    const waiting = fromTail.read({ after: start, first: 10, waitMs: 10_000, types: ['order.*'] });
    const skipped = await produce('thing.c');
    const wanted = await produce('order.placed');
    const got = await waiting;
    assert.deepEqual(
      got.map((event) => [event.seq, event.type]),
      [[String(wanted.seq), 'order.placed']],
    );
    assert.ok(skipped.seq < wanted.seq);

    // nothing of the types asked for: the wait ends with the newest event passed over alone
    // (the feed's own timer ending the wait is what is tested: the feed takes no clock)
    const last = await produce('thing.d');
    await tail.caughtUp(last.seq);
    for (const feed of [fromTail, fromLog]) {
      const passed = await feed.read({
        after: wanted.seq,
        first: 10,
        waitMs: 200,
        types: ['order.placed'],
      });
      assert.deepEqual(
        passed.map((event) => [event.seq, event.type]),
        [[String(last.seq), 'thing.d']],
      );
    }
    // and a read that does not wait finds in the log what the tail has not read yet
    const unread = await produce('order.cancelled');
    assert.deepEqual(
      (await fromTail.read({ after: last.seq, first: 10, waitMs: 0, types: ['order.*'] })).map(
        (event) => event.seq,
      ),
      [String(unread.seq)],
    );
  });

  it('a consumer naming its types is sent only those, and moves its cursor past the rest', async () => {
    const handled: string[] = [];
    const consumer = await startEventConsumer({
      name: 'test<-things-typed',
      handle: consumerDb,
      source: createServiceClient({
        service: 'test',
        url: producerUrl,
        signingSecret: TEST_SIGNING_SECRET,
      }),
      field: 'thingsEventLog',
      contract: thingsEvents,
      types: ['order.placed', 'shipment.*'],
      waitMs: 300,
      log,
      onEvent: async (event) => void handled.push(event.type),
    });
    try {
      const wanted = await produce('shipment.shipped');
      await consumer.caughtUp(wanted.seq);
      const cursor = async () =>
        (await consumerDb.db.select().from(eventCursors)).find(
          (row) => row.consumer === 'test<-things-typed',
        )?.position;
      assert.equal(await cursor(), wanted.seq);
      const other = await produce('thing.e');
      // asked, the feed answers at once with the event passed over, and the cursor moves on
      await consumer.caughtUp(other.seq);
      assert.equal(await cursor(), other.seq);
      assert.ok(handled.every((type) => type === 'order.placed' || type.startsWith('shipment.')));
      assert.ok(handled.includes('shipment.shipped'));
    } finally {
      await consumer.stop();
    }
  });

  it('refuses types that are not event type names', async () => {
    const client = createServiceClient({
      service: 'test',
      url: producerUrl,
      signingSecret: TEST_SIGNING_SECRET,
    });
    await assert.rejects(
      client.request({
        query: `{ thingsEventLog(after: "0", types: ["order; drop"]) { seq } }`,
      }),
      /types/,
    );
  });
});
