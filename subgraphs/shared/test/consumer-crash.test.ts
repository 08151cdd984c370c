import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'graphql';
import {
  appendEvent,
  createEventFeed,
  createSubgraphServer,
  DateTimeScalar,
  dropDatabase,
  eventFeedResolver,
  executeRows,
  openDatabase,
  sql,
  type DatabaseHandle,
  type SubgraphServer,
} from '../src/index.js';
import {
  createTestDatabase,
  freshTestDatabaseUrl,
  startServiceProcess,
  TEST_SIGNING_SECRET,
  testLogger,
  waitUntil,
  type ServiceProcess,
} from '../src/testing/index.js';

// a consumer process SIGKILLed after its handler's effect and before its cursor commits, then
// started again: every event's effect is there exactly once

const migrationsFolder = fileURLToPath(new URL('./drizzle', import.meta.url));
const ENTRY = fileURLToPath(new URL('./support/consumer-process.ts', import.meta.url));
const common = readFileSync(new URL('../schema/common.graphql', import.meta.url), 'utf8');
const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@shareable", "@inaccessible"])
  scalar DateTime
  ${common.slice(common.indexOf('"""\nOne entry of a service'))}
  type Query { thingsEventLog(after: String!, first: Int! = 100, waitMs: Int! = 0): [LoggedEvent!]! @inaccessible }
`);
const consumerUrl = freshTestDatabaseUrl('crash_consumer');
// the test reads the consumer's database while its process runs: PGlite is one process's
const needsPostgres = consumerUrl
  ? false
  : "needs PostgreSQL: the test reads the consumer process's database while it runs";
if (needsPostgres) console.log(`# skipped "a consumer killed mid-batch": ${needsPostgres}`);

let producerDb: DatabaseHandle;
let producer: SubgraphServer;
let producerUrl: string;
let consumerDb: DatabaseHandle;
const processes: ServiceProcess[] = [];

before(async () => {
  if (needsPostgres) return;
  producerDb = await createTestDatabase({ name: 'crash_producer', migrationsFolder });
  const feed = createEventFeed(producerDb);
  producer = await createSubgraphServer({
    name: 'things',
    typeDefs,
    resolvers: { DateTime: DateTimeScalar, Query: { thingsEventLog: eventFeedResolver(feed) } },
    signingSecret: TEST_SIGNING_SECRET,
    log: testLogger('crash-producer'),
    createContext: (base) => base,
    onStop: () => feed.close(),
  });
  producerUrl = await producer.listen();
  consumerDb = await openDatabase({ url: consumerUrl, migrationsFolder });
});
after(async () => {
  for (const running of processes) await running.kill();
  await producer?.stop();
  await producerDb?.close();
  await consumerDb?.close();
  if (consumerUrl) await dropDatabase(consumerUrl);
});

const produce = (streamId: string) =>
  producerDb.db.transaction((tx) =>
    appendEvent(tx, { streamType: 'thing', streamId, type: 'thing.happened' }),
  );

const startConsumer = (env: Record<string, string | undefined> = {}) => {
  const started = startServiceProcess({
    entry: ENTRY,
    env: { DATABASE_URL: consumerUrl, PRODUCER_URL: producerUrl, LOG_LEVEL: 'info', ...env },
  });
  processes.push(started);
  return started;
};

const effects = async () =>
  (
    await executeRows<{ stream_id: string }>(
      consumerDb.db,
      sql`select stream_id from event_log where stream_type = 'effect' order by seq`,
    )
  ).map((row) => row.stream_id);

const cursor = async () => {
  const [row] = await executeRows<{ position: string | number }>(
    consumerDb.db,
    sql`select position from event_cursors where consumer = 'crash<-things'`,
  );
  return row === undefined ? null : Number(row.position);
};

describe('a consumer killed mid-batch', { skip: needsPostgres }, () => {
  it('has every effect exactly once after a SIGKILL between effect and cursor and a restart', async () => {
    for (const id of ['a', 'b']) await produce(id);
    const last = await produce('c');
    const first = startConsumer({ HOLD_AT: 'b' });
    await waitUntil(
      () => first.logs.some((line) => line['msg'] === 'effect written, cursor not committed'),
      { timeoutMs: 60_000, what: 'the consumer to stop between its effect and its cursor' },
    );
    first.signal('SIGKILL');
    assert.equal((await first.exited).signal, 'SIGKILL');
    // nothing of the killed transaction stayed
    assert.deepEqual(await effects(), []);
    assert.equal(await cursor(), null);

    const second = startConsumer();
    await waitUntil(async () => (await cursor()) === Number(last?.seq), {
      timeoutMs: 60_000,
      what: 'the restarted consumer to reach the last event',
    });
    second.signal('SIGTERM');
    assert.deepEqual(await effects(), ['a', 'b', 'c']);
  });
});
