import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { SQL } from 'drizzle-orm';
import { executeRows, sql, type Database, type DatabaseHandle } from './db.js';
import type { Logger } from './logger.js';
import { heldCondition, LeaseLostError } from './lease-fence.js';
import { leaseMetricsOf } from './observability/lease-metrics.js';
import type { SubgraphMetrics } from './observability/metrics.js';

/** the NOTIFY channel of released leases, with the lease's name as the payload */
const LEASE_RELEASED_CHANNEL = 'lease_released';

/**
 * How long a lease lasts without a renewal, unless the service sets LEASE_TTL_MS. Holders renew
 * and others try every third of it, so the work of a replica that dies moves within 4/3 of it:
 * 4 s by default.
 */
export const DEFAULT_LEASE_TTL_MS = 3_000;

/** What a leased worker holds while it runs: see startLeasedWorker. */
export interface Lease {
  /** the fencing token: it grows by one at every acquisition, so a former holder's is refused */
  readonly token: number;
  /**
   * Throws LeaseLostError unless this worker still holds the lease. Called inside the work's own
   * transaction, it is one statement that also keeps another replica from taking the lease over
   * until that transaction ends; a refusal rolls the transaction back and stops the worker.
   */
  fence(tx: Database): Promise<void>;
  /**
   * The fence within a statement of the work's own, to save a round trip: `write` gets the
   * condition "this worker holds the lease" (which locks the lease row as `fence` does) and
   * returns a statement that returns rows only when the condition held. None: LeaseLostError.
   */
  fenceWith(tx: Database, write: (held: SQL) => SQL): Promise<void>;
  /**
   * `fenceWith` that hands back the statement's rows, for work whose one statement both fences
   * and reads (it must return a row whenever the condition held, even with nothing to do).
   * Outside a transaction, the lease row stays locked for that statement only, which is enough
   * when the statement is all the fenced work.
   */
  fencedRows(tx: Database, write: (held: SQL) => SQL): Promise<Record<string, unknown>[]>;
}

export { fenceOfLease, LeaseLostError } from './lease-fence.js';

/** A piece of background work that runs on whichever replica holds its lease. */
export interface LeasedWorker {
  /** stops the worker, then releases the lease so that another replica takes it over at once */
  stop(): Promise<void>;
  /** whether this replica holds the lease, and so runs the worker, now */
  held(): boolean;
}

/** One holding of the lease by this replica, from acquisition to loss. */
interface Tenure {
  token: number;
  /** the Date.now() after which the lease may have expired: last renewal sent plus the ttl */
  validUntil: number;
  lost: boolean;
  started: Promise<{ stop(): Promise<void> } | null>;
  stopped: Promise<void> | null;
}

/**
 * Runs background work on one replica of a service at a time, through a row of the `leases`
 * table in the service's database. Every replica tries to acquire the lease every ttl/3; the
 * holder renews it as often, and starts the worker with a fencing token; a holder that dies or
 * hangs stops renewing, and another replica takes the lease over once it expires (within the
 * ttl plus ttl/3), with the next token. The worker's transactions call `lease.fence(tx)`, so
 * a former holder's late work is refused rather than applied twice. Resolves after the first
 * attempt, with the worker started when the lease was free.
 */
export async function startLeasedWorker({
  handle,
  name,
  log,
  metrics,
  ttlMs = DEFAULT_LEASE_TTL_MS,
  start,
}: {
  handle: DatabaseHandle;
  /** the lease's name, unique within the service, e.g. the consumer's name */
  name: string;
  log: Logger;
  /** the service's registry, for `ordergraph_lease_held` and `ordergraph_lease_takeovers_total` */
  metrics?: Pick<SubgraphMetrics, 'registry'> | undefined;
  /** how long the lease lasts without a renewal: how soon another replica takes over */
  ttlMs?: number | undefined;
  /** starts the work once the lease is held; its `stop` is called when the lease is lost */
  start: (lease: Lease) => Promise<{ stop(): Promise<void> }>;
}): Promise<LeasedWorker> {
  // one holder per call: a restarted process is a new holder and waits for the old lease
  const holder = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const leaseLog = log.child({ lease: name, holder });
  const series = metrics && leaseMetricsOf(metrics.registry);
  const ttl = sql`(${ttlMs}::integer * interval '1 millisecond')`;
  let current: Tenure | null = null;
  let previous: Tenure | null = null;
  let stepping: Promise<void> | null = null;
  let stopping: Promise<void> | null = null;
  let latestStart: Promise<unknown> = Promise.resolve();
  series?.held.set({ lease: name }, 0);
  series?.takeovers.inc({ lease: name }, 0);

  // clock_timestamp(), not now(): an acquisition that waited for a row lock compares times
  // as of when it got the lock, not when its statement began
  const release = (tenure: Tenure) =>
    handle.db
      .execute(
        sql`with released as (
              update leases set expires_at = clock_timestamp()
              where name = ${name} and holder = ${holder} and token = ${tenure.token}
              returning name)
            select pg_notify(${LEASE_RELEASED_CHANNEL}, name) from released`,
      )
      .then(
        () => {},
        (error: unknown) => leaseLog.warn({ err: error }, 'releasing a lease failed'),
      );

  const lose = (tenure: Tenure, reason: string, message = 'lease lost') => {
    if (tenure.lost) return;
    tenure.lost = true;
    if (current === tenure) current = null;
    previous = tenure;
    series?.held.set({ lease: name }, 0);
    leaseLog.info({ token: tenure.token, reason }, message);
    tenure.stopped = tenure.started
      .then((worker) => worker?.stop())
      .catch((error: unknown) => leaseLog.error({ err: error }, 'stopping a leased worker failed'))
      .then(() => release(tenure));
  };

  const fenceWith = async (tenure: Tenure, tx: Database, write: (held: SQL) => SQL) => {
    if (!tenure.lost) {
      const held = heldCondition(name, tenure.token);
      const rows = await executeRows(tx, write(held));
      if (rows.length > 0) return rows;
      lose(tenure, 'fenced off: another replica took the lease over');
    }
    throw new LeaseLostError(name);
  };
  const fence = async (tenure: Tenure, tx: Database) => {
    await fenceWith(tenure, tx, (held) => sql`select 1 as held where ${held}`);
  };

  const acquire = async () => {
    // the worker of a lost tenure stops before this replica starts another
    await previous?.stopped;
    const sentAt = Date.now();
    const [row] = await executeRows<{ token: string | number }>(
      handle.db,
      sql`insert into leases as lease (name, holder, token, expires_at)
          values (${name}, ${holder}, 1, clock_timestamp() + ${ttl})
          on conflict (name) do update
            set holder = excluded.holder, token = lease.token + 1, expires_at = excluded.expires_at
            where lease.expires_at <= clock_timestamp() or lease.holder = excluded.holder
          returning token`,
    );
    if (!row) return;
    const tenure: Tenure = {
      token: Number(row.token),
      validUntil: sentAt + ttlMs,
      lost: false,
      started: Promise.resolve(null),
      stopped: null,
    };
    current = tenure;
    series?.held.set({ lease: name }, 1);
    if (tenure.token > 1) series?.takeovers.inc({ lease: name });
    leaseLog.info({ token: tenure.token }, 'lease acquired');
    tenure.started = start({
      token: tenure.token,
      fence: (tx) => fence(tenure, tx),
      fenceWith: async (tx, write) => {
        await fenceWith(tenure, tx, write);
      },
      fencedRows: (tx, write) => fenceWith(tenure, tx, write),
    }).catch((error: unknown) => {
      leaseLog.error({ err: error }, 'a leased worker failed to start');
      lose(tenure, 'the worker failed to start');
      return null;
    });
    // not awaited here: renewals go on while the worker starts
    latestStart = tenure.started;
  };

  const renew = async (tenure: Tenure) => {
    const sentAt = Date.now();
    const rows = await executeRows(
      handle.db,
      sql`update leases set expires_at = clock_timestamp() + ${ttl}
          where name = ${name} and holder = ${holder} and token = ${tenure.token}
          returning token`,
    );
    if (tenure.lost) return;
    if (rows.length > 0) tenure.validUntil = sentAt + ttlMs;
    else lose(tenure, 'another replica took the lease over');
  };

  const tick = () => {
    // checked even while a renewal hangs: past its ttl, the lease may be someone else's
    if (current && Date.now() >= current.validUntil) lose(current, 'not renewed within its ttl');
    if (stepping || stopping) return;
    stepping = (current ? renew(current) : acquire())
      .catch((error: unknown) =>
        leaseLog.warn({ err: error }, 'acquiring or renewing a lease failed; retrying'),
      )
      .finally(() => {
        stepping = null;
      });
  };

  // a replica that shuts down cleanly says so: the others need not wait for their next try
  const unlisten = await handle.listen(LEASE_RELEASED_CHANNEL, (released) => {
    if (released === name && !current) tick();
  });
  tick();
  await stepping;
  const timer = setInterval(tick, Math.max(1, Math.floor(ttlMs / 3)));
  timer.unref();
  // a worker started by the first attempt is running by the time this resolves
  await latestStart;

  return {
    held: () => current !== null,
    stop: () =>
      (stopping ??= (async () => {
        clearInterval(timer);
        // fenced off at once, before any await: a page or batch the worker finishes while the
        // replica stops is refused, not written under a lease already being given up
        if (current) lose(current, 'this replica stops', 'lease released');
        await unlisten().catch(() => {});
        await stepping;
        // an acquisition under way when the stop began may have won the lease meanwhile
        if (current) lose(current, 'this replica stops', 'lease released');
        await previous?.stopped;
      })()),
  };
}
