import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import { parse } from 'graphql';
import {
  appendEvent,
  createEventFeed,
  createServiceClient,
  createSubgraphServer,
  DateTimeScalar,
  eventFeedResolver,
  startEventConsumer,
  readEvents,
  eventCursors,
  parkedEvents,
  type DatabaseHandle,
  type SubgraphServer,
} from '../src/index.js';
import {
  captureTestLogs,
  createTestDatabase,
  openTestDatabaseReplica,
  TEST_SIGNING_SECRET,
  testLogger,
  waitUntil,
} from '../src/testing/index.js';
import { thingsEvents } from './support/things-events.js';

const migrationsFolder = fileURLToPath(new URL('./drizzle', import.meta.url));
const common = readFileSync(new URL('../schema/common.graphql', import.meta.url), 'utf8');
const loggedEvent = common.slice(common.indexOf('"""\nOne entry of a service'));
const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@shareable", "@inaccessible"])
  scalar DateTime
  ${loggedEvent}
  type Query { thingsEventLog(after: String!, first: Int! = 100, waitMs: Int! = 0): [LoggedEvent!]! @inaccessible }
`);

let producerDb: DatabaseHandle;
let consumerDb: DatabaseHandle;
let producer: SubgraphServer;
let producerUrl: string;
const log = testLogger('consumer-test');

async function startProducer(port = 0) {
  const feed = createEventFeed(producerDb);
  producer = await createSubgraphServer({
    name: 'things',
    typeDefs,
    resolvers: { DateTime: DateTimeScalar, Query: { thingsEventLog: eventFeedResolver(feed) } },
    signingSecret: TEST_SIGNING_SECRET,
    log,
    createContext: (base) => base,
    onStop: () => feed.close(),
  });
  producerUrl = await producer.listen({ port });
}

const produce = (streamId: string) =>
  producerDb.db.transaction((tx) =>
    appendEvent(tx, { streamType: 'thing', streamId, type: 'thing.happened' }).then((row) => row!),
  );

/** the consumer's visible effect: one event in its own log per event handled */
const effects = async () =>
  (await readEvents(consumerDb.db, { limit: 1000 })).map((e) => e.streamId);

type Handler = Parameters<typeof startEventConsumer>[0]['onEvent'];

/** A consumer of the test producer's feed; `name` is its cursor's key. */
const follow = (
  name: string,
  onEvent: Handler,
  { waitMs = 1_000, handle = consumerDb, log: logger = log } = {},
) =>
  startEventConsumer({
    name,
    handle,
    source: createServiceClient({
      service: 'test',
      url: producerUrl,
      signingSecret: TEST_SIGNING_SECRET,
    }),
    field: 'thingsEventLog',
    contract: thingsEvents,
    log: logger,
    waitMs,
    onEvent,
  });

/** a logger whose lines the test reads, and how many times `consumer` failed and will retry */
function failureLog() {
  const capture = captureTestLogs();
  const logger = testLogger('consumer-test');
  // the logger keeps writing to the capture: only loggers made from now on would join it
  capture.stop();
  const failed = (consumer: string, position?: number) =>
    capture.lines.filter(
      (line) =>
        line['msg'] === 'event consumer failed; retrying' &&
        line['consumer'] === consumer &&
        (position === undefined || line['position'] === position),
    ).length;
  return { log: logger, failed };
}

before(async () => {
  producerDb = await createTestDatabase({ name: 'producer', migrationsFolder });
  consumerDb = await createTestDatabase({ name: 'consumer', migrationsFolder });
  await startProducer();
});
after(async () => {
  await producer.stop();
  await producerDb.close();
  await consumerDb.close();
});

describe('following another service through its event feed', () => {
  it('catches up exactly once on what happened while it was down, then follows live', async () => {
    const first = await produce('a');
    await produce('b');
    let failOnce = true;
    const consumer = await follow(
      'test<-things',
      async (event, tx) => {
        await appendEvent(tx, { streamType: 'effect', streamId: event.streamId, type: 'effect' });
        // fails after its write, before the cursor moves: the retry must not double the effect
        if (event.streamId === 'b' && failOnce) {
          failOnce = false;
          throw new Error('handler failed mid-way');
        }
      },
      { waitMs: 2_000 },
    );
    const c = await produce('c'); // live, through the long poll
    await consumer.caughtUp(c.seq);
    assert.deepEqual(await effects(), ['a', 'b', 'c']);

    // the producer goes away; events wait in its log; the consumer retries and catches up
    await consumer.stop();
    const d = await produce('d');
    const restarted = await follow(
      'test<-things',
      async (event, tx) => {
        await appendEvent(tx, { streamType: 'effect', streamId: event.streamId, type: 'effect' });
      },
      { waitMs: 2_000 },
    );
    await restarted.caughtUp(d.seq);
    assert.deepEqual(await effects(), ['a', 'b', 'c', 'd']);
    assert.ok(first.seq < d.seq);
    await restarted.stop();
  });

  it('retries while the producer is down and catches up when it returns', async () => {
    const port = Number(new URL(producerUrl).port);
    await producer.stop();
    const seen: string[] = [];
    const name = 'test<-things-outage';
    const failures = failureLog();
    const consumer = await follow(name, async (event) => void seen.push(event.streamId), {
      log: failures.log,
    });
    const e = await produce('e');
    // a try and a retry have failed: it keeps trying, and has handled nothing meanwhile
    await waitUntil(() => failures.failed(name) >= 2, {
      what: 'the consumer to fail to reach the producer twice',
    });
    assert.deepEqual(seen, []);
    await startProducer(port);
    await consumer.caughtUp(e.seq);
    await consumer.stop();
    assert.deepEqual(seen, ['a', 'b', 'c', 'd', 'e']);
  });

  it('applies the events waiting for it in one transaction, and a failing one alone', async () => {
    const waiting = ['f1', 'f2', 'f3', 'f4'];
    let last = { seq: 0 };
    for (const streamId of waiting) last = await produce(streamId);
    const mine = async () => (await effects()).filter((id) => waiting.includes(id));
    const consumeWith = async (name: string, onEvent: Handler) => {
      const consumer = await follow(name, onEvent);
      await consumer.caughtUp(last.seq);
      await consumer.stop();
    };

    // everything in the log so far is one fetched batch: one transaction for all of it
    const transactions = new Set<unknown>();
    let handled = 0;
    await consumeWith('test<-things-batch', async (_event, tx) => {
      transactions.add(tx);
      handled++;
    });
    assert.ok(handled > waiting.length);
    assert.equal(transactions.size, 1);

    // f3 fails once after writing: f1 and f2 land, f3 is retried alone, nothing is doubled
    let failOnce = true;
    const perEvent = new Map<string, Set<unknown>>();
    await consumeWith('test<-things-batch-failure', async (event, tx) => {
      if (!waiting.includes(event.streamId)) return;
      perEvent.set(event.streamId, (perEvent.get(event.streamId) ?? new Set()).add(tx));
      await appendEvent(tx, { streamType: 'effect', streamId: event.streamId, type: 'effect' });
      if (event.streamId === 'f3' && failOnce) {
        failOnce = false;
        throw new Error('handler failed mid-batch');
      }
    });
    assert.deepEqual(await mine(), waiting);
    // f1: the failed batch, then its own transaction; f3 the same, its second time succeeding
    assert.equal(perEvent.get('f1')?.size, 2);
    assert.equal(perEvent.get('f3')?.size, 2);
  });

  it('runs on one replica at a time; another carries on from the cursor when it stops', async () => {
    const replica = await openTestDatabaseReplica({ of: consumerDb, migrationsFolder });
    const handled: string[] = [];
    const handler =
      (who: string): Handler =>
      async (event, tx) => {
        if (!event.streamId.startsWith('r')) return;
        handled.push(`${who} ${event.streamId}`);
        await appendEvent(tx, { streamType: 'effect', streamId: event.streamId, type: 'effect' });
      };
    const one = await follow('test<-things-replicas', handler('one'));
    const two = await follow('test<-things-replicas', handler('two'), { handle: replica });
    const r1 = await produce('r1');
    await one.caughtUp(r1.seq);
    await one.stop();
    const r2 = await produce('r2');
    await two.caughtUp(r2.seq);
    await two.stop();
    await replica.close();
    assert.deepEqual(handled, ['one r1', 'two r2']);
  });

  it('fails a wait for an event it cannot handle, saying where it stopped', async () => {
    const before = await produce('s1');
    const stuck = await produce('s2');
    const failures = failureLog();
    const consumer = await follow(
      'test<-things-stuck',
      async (event) => {
        if (event.streamId === 's2') throw new Error('handler always fails');
      },
      { log: failures.log },
    );
    try {
      await consumer.caughtUp(before.seq);
      // stuck, not slow: it failed on s2 and retried it, and failed again
      await waitUntil(() => failures.failed('test<-things-stuck', before.seq) >= 2, {
        what: 'the consumer to fail twice on the event after s1',
      });
      // the wait's own deadline is what is tested here: its failure says where the consumer is
      await assert.rejects(consumer.caughtUp(stuck.seq, { timeoutMs: 100 }), {
        message: `event consumer test<-things-stuck did not reach seq ${stuck.seq} within 100 ms: it is at ${before.seq}`,
      });
    } finally {
      await consumer.stop();
    }
  });

  it('parks an event off its contract, shows it on /metrics and moves on past it', async () => {
    // a service of the consumer's own, for its /metrics
    const service = await createSubgraphServer({
      name: 'consumer',
      typeDefs,
      resolvers: { DateTime: DateTimeScalar, Query: { thingsEventLog: () => [] } },
      signingSecret: TEST_SIGNING_SECRET,
      log,
      createContext: (base) => base,
    });
    const serviceUrl = await service.listen({ port: 0 });
    const produceWith = (streamId: string, type: string, payload: Record<string, unknown>) =>
      producerDb.db.transaction((tx) =>
        appendEvent(tx, { streamType: 'thing', streamId, type, payload }).then((row) => row!),
      );
    const offSchema = await produceWith('m1', 'thing.measured', { size: 'large' });
    const unknownType = await produceWith('m2', 'thing.unheard', {});
    const last = await produceWith('m3', 'thing.measured', { size: 3 });
    const name = 'test<-things-parking';
    const sizes: number[] = [];
    const start = () =>
      startEventConsumer({
        name,
        handle: consumerDb,
        source: createServiceClient({
          service: 'test',
          url: producerUrl,
          signingSecret: TEST_SIGNING_SECRET,
        }),
        field: 'thingsEventLog',
        contract: thingsEvents,
        log,
        waitMs: 300,
        metrics: service.metrics,
        onEvent: async (event) => {
          if (event.type === 'thing.measured') sizes.push(event.payload.size);
        },
      });
    const parked = () =>
      consumerDb.db
        .select()
        .from(parkedEvents)
        .where(eq(parkedEvents.consumer, name))
        .orderBy(parkedEvents.seq);
    try {
      const consumer = await start();
      await consumer.caughtUp(last.seq);
      await consumer.stop();
      assert.deepEqual(sizes, [3]);
      const [cursor] = await consumerDb.db
        .select()
        .from(eventCursors)
        .where(eq(eventCursors.consumer, name));
      assert.equal(cursor?.position, last.seq);
      const rows = await parked();
      assert.deepEqual(
        rows.map(({ parkedAt: _parkedAt, reason: _reason, ...row }) => row),
        [
          {
            consumer: name,
            seq: offSchema.seq,
            type: 'thing.measured',
            streamType: 'thing',
            streamId: 'm1',
            payload: { size: 'large' },
          },
          {
            consumer: name,
            seq: unknownType.seq,
            type: 'thing.unheard',
            streamType: 'thing',
            streamId: 'm2',
            payload: {},
          },
        ],
      );
      assert.match(rows[0]!.reason, /size/);
      assert.equal(rows[1]!.reason, 'things declares no event thing.unheard');

      const metrics = await (await fetch(new URL('/metrics', serviceUrl))).text();
      const series = metrics
        .split('\n')
        .filter((line) => line.startsWith('ordergraph_events_parked_total{'));
      assert.deepEqual(series, [
        `ordergraph_events_parked_total{consumer="${name}",type="thing.measured",service="consumer"} 1`,
        `ordergraph_events_parked_total{consumer="${name}",type="thing.unheard",service="consumer"} 1`,
      ]);

      // restarted, it goes on from its cursor: nothing parked or handled twice
      const again = await start();
      const next = await produceWith('m4', 'thing.measured', { size: 4 });
      await again.caughtUp(next.seq);
      await again.stop();
      assert.deepEqual(sizes, [3, 4]);
      assert.equal((await parked()).length, 2);
    } finally {
      await service.stop();
    }
  });

  it('refuses the feed to anyone but a service', async () => {
    const response = await fetch(producerUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ thingsEventLog(after: "0") { seq } }' }),
    });
    assert.equal(response.status, 401);
  });
});
