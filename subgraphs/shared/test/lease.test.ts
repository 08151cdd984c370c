import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  appendEvent,
  createSubgraphMetrics,
  LeaseLostError,
  readEvents,
  requestScope,
  sql,
  startLeasedWorker,
  type DatabaseHandle,
  type Lease,
  transaction,
} from '../src/index.js';
import {
  createTestDatabase,
  openTestDatabaseReplica,
  someoneWaitsOnALock,
  testDatabaseKind,
  testLogger,
  waitUntil,
} from '../src/testing/index.js';

const migrationsFolder = fileURLToPath(new URL('./drizzle', import.meta.url));
const log = testLogger('lease-test');
const postgresOnly = { skip: testDatabaseKind !== 'postgres' && 'needs two connection pools' };
let handle: DatabaseHandle;

before(async () => {
  handle = await createTestDatabase({ name: 'lease', migrationsFolder });
});
beforeEach(async () => {
  await handle.db.execute(sql`delete from leases`);
  await handle.db.execute(sql`delete from event_log`);
});
after(() => handle.close());

/** a replica's worker: what it was started with, and whether it was stopped */
function replica(name: string) {
  const runs: { token: number; stopped: boolean }[] = [];
  let lease: Lease | undefined;
  return {
    runs,
    lease: () => lease,
    start: async (given: Lease) => {
      lease = given;
      const run = { token: given.token, stopped: false };
      runs.push(run);
      return {
        stop: async () => {
          run.stopped = true;
        },
      };
    },
    name,
  };
}

/** work as a leased worker does it: a write and the fence, in one transaction */
const fencedWrite = (db: DatabaseHandle, lease: Lease, streamId: string) =>
  transaction(db.db, async (tx) => {
    await appendEvent(tx, {
      streamType: 'work',
      streamId,
      type: 'work.done',
    });
    await lease.fence(tx);
  });

const written = async () =>
  (await readEvents(handle.db, { limit: 100 }))
    .filter((event) => event.streamType === 'work')
    .map((event) => event.streamId);

describe('a leased worker', () => {
  it('runs on one of two replicas sharing a database', async () => {
    const [a, b] = [replica('a'), replica('b')];
    // each replica's statements are counted apart: its tries, or its renewals while it holds
    const startAs = (who: typeof a) =>
      requestScope.run({ requestId: `lease-${who.name}` }, () =>
        startLeasedWorker({ handle, name: 'work', log, ttlMs: 600, start: who.start }),
      );
    const sentBy = (who: typeof a) => handle.statements.byRequest.get(`lease-${who.name}`) ?? 0;
    const [one, two] = await Promise.all([startAs(a), startAs(b)]);
    // a few renewals later, still one holder: four more statements each come a tick (ttl/3)
    // apart at the least, so the other replica has tried after the first grant would expire
    await waitUntil(() => sentBy(a) >= 5 && sentBy(b) >= 5, {
      what: 'four more tries or renewals from each replica',
    });
    assert.deepEqual([one.held(), two.held()].sort(), [false, true]);
    assert.deepEqual([...a.runs, ...b.runs], [{ token: 1, stopped: false }]);
    await one.stop();
    await two.stop();
  });

  it('hands over at once when the holder stops', async () => {
    const [a, b] = [replica('a'), replica('b')];
    const one = await startLeasedWorker({
      handle,
      name: 'work',
      log,
      ttlMs: 60_000,
      start: a.start,
    });
    const two = await startLeasedWorker({
      handle,
      name: 'work',
      log,
      ttlMs: 60_000,
      start: b.start,
    });
    assert.deepEqual([one.held(), two.held()], [true, false]);
    await one.stop();
    assert.deepEqual(a.runs, [{ token: 1, stopped: true }]);
    // its next try is 20 s (ttl/3) away: holding within this wait, it was told of the release
    await waitUntil(() => two.held(), {
      timeoutMs: 10_000,
      what: 'the second replica to hold, told of the release',
    });
    assert.deepEqual(b.runs, [{ token: 2, stopped: false }]);
    await two.stop();
  });

  it('is taken over within its ttl when the holder loses its database', postgresOnly, async () => {
    const ttlMs = 900;
    const dying = await openTestDatabaseReplica({ of: handle, migrationsFolder });
    const [a, b] = [replica('a'), replica('b')];
    const one = await startLeasedWorker({
      handle: dying,
      name: 'work',
      log,
      ttlMs,
      start: a.start,
    });
    const two = await startLeasedWorker({ handle, name: 'work', log, ttlMs, start: b.start });
    const diedAt = Date.now();
    await dying.close();
    await waitUntil(() => two.held(), { timeoutMs: 5_000, what: 'the takeover' });
    const tookMs = Date.now() - diedAt;
    // the last renewal may have been just before; the next attempt comes within ttl/3
    assert.ok(tookMs < ttlMs + ttlMs / 3 + 300, `took over after ${tookMs} ms`);
    // the former holder noticed too, and stopped its worker
    await waitUntil(() => !one.held(), { timeoutMs: 2_000, what: 'the former holder to let go' });
    await waitUntil(() => a.runs[0]?.stopped === true, { what: 'the former worker to stop' });
    assert.deepEqual(b.runs, [{ token: 2, stopped: false }]);
    await one.stop();
    await two.stop();
  });

  it('refuses the work of a former holder once another took over', async () => {
    const [a, b] = [replica('a'), replica('b')];
    const one = await startLeasedWorker({
      handle,
      name: 'work',
      log,
      ttlMs: 60_000,
      start: a.start,
    });
    const lease = a.lease()!;
    await fencedWrite(handle, lease, 'first');
    // the holder hangs past its expiry (no renewal for a minute): another replica takes over
    await handle.db.execute(sql`update leases set expires_at = now() - interval '1 second'`);
    const two = await startLeasedWorker({
      handle,
      name: 'work',
      log,
      ttlMs: 60_000,
      start: b.start,
    });
    assert.equal(two.held(), true);
    await assert.rejects(fencedWrite(handle, lease, 'late'), LeaseLostError);
    await fencedWrite(handle, b.lease()!, 'second');
    assert.deepEqual(await written(), ['first', 'second']);
    // the refusal stopped the former holder's worker
    await waitUntil(() => a.runs[0]?.stopped === true, { what: 'the former worker to stop' });
    assert.equal(one.held(), false);
    await one.stop();
    await two.stop();
  });

  it(
    'keeps a takeover waiting until the holder’s fenced transaction ends',
    postgresOnly,
    async () => {
      const [a, b] = [replica('a'), replica('b')];
      const other = await openTestDatabaseReplica({ of: handle, migrationsFolder });
      const one = await startLeasedWorker({
        handle,
        name: 'work',
        log,
        ttlMs: 60_000,
        start: a.start,
      });
      await handle.db.execute(sql`update leases set expires_at = now() - interval '1 second'`);
      let commit!: () => void;
      let fenced!: () => void;
      const fencedNow = new Promise<void>((resolve) => (fenced = resolve));
      const work = transaction(handle.db, async (tx) => {
        await a.lease()!.fence(tx);
        fenced();
        await appendEvent(tx, {
          streamType: 'work',
          streamId: 'slow',
          type: 'work.done',
        });
        await new Promise<void>((resolve) => (commit = resolve));
      });
      await fencedNow;
      let taken = false;
      const taking = startLeasedWorker({
        handle: other,
        name: 'work',
        log,
        ttlMs: 60_000,
        start: b.start,
      }).then((worker) => {
        taken = true;
        return worker;
      });
      try {
        await someoneWaitsOnALock(handle.db, {
          what: 'the other replica’s acquisition',
          unless: () => taken,
        });
        assert.equal(taken, false);
        commit();
        await work;
        const two = await taking;
        assert.equal(two.held(), true);
        assert.deepEqual(await written(), ['slow']);
      } finally {
        // also when an assertion failed: the file's clean-up would otherwise wait for these
        commit();
        await work.catch(() => {});
        await one.stop();
        await (await taking).stop();
        await other.close();
      }
    },
  );

  it('shows the holder and the takeovers on /metrics', async () => {
    const [a, b] = [replica('a'), replica('b')];
    const [first, second] = [
      createSubgraphMetrics({ service: 'one' }),
      createSubgraphMetrics({ service: 'two' }),
    ];
    const series = async (metrics: typeof first) =>
      (await metrics.registry.metrics())
        .split('\n')
        .filter((line) => line.startsWith('ordergraph_lease_'));
    const options = { handle, name: 'work', log, ttlMs: 600 };
    const one = await startLeasedWorker({ ...options, metrics: first, start: a.start });
    const two = await startLeasedWorker({ ...options, metrics: second, start: b.start });
    assert.deepEqual(await series(first), [
      'ordergraph_lease_held{lease="work",service="one"} 1',
      'ordergraph_lease_takeovers_total{lease="work",service="one"} 0',
    ]);
    await one.stop();
    await waitUntil(() => two.held(), { what: 'the takeover' });
    assert.deepEqual(await series(first), [
      'ordergraph_lease_held{lease="work",service="one"} 0',
      'ordergraph_lease_takeovers_total{lease="work",service="one"} 0',
    ]);
    assert.deepEqual(await series(second), [
      'ordergraph_lease_held{lease="work",service="two"} 1',
      'ordergraph_lease_takeovers_total{lease="work",service="two"} 1',
    ]);
    await two.stop();
  });
});
