import { AsyncLocalStorage } from 'node:async_hooks';
import { sql, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import type { SetAside } from './embedded-database.js';
import type { Logger } from './logger.js';
import { instrumentPglite, instrumentPostgres } from './observability/db-instrumentation.js';
import { createPoolUsage, type PoolUsage } from './observability/pool-usage.js';

/** The drizzle database every repository works on, whichever driver is underneath. */
export type Database = PgDatabase<PgQueryResultHKT>;

/**
 * Runs `work` in one transaction on `db`, handing it the transaction as a `Database`, so
 * repositories and event appends take it as they take the pool; rolls back when `work` throws.
 */
export function transaction<T>(db: Database, work: (tx: Database) => Promise<T>): Promise<T> {
  return db.transaction((tx) => work(tx));
}

/** Counts the SQL statements sent, in all and per GraphQL request, so tests can bound them. */
export interface StatementCounter {
  count: number;
  /** statements by the `x-request-id` of the request that sent them (the latest 1000 requests) */
  byRequest: Map<string, number>;
}

/** The request a piece of work belongs to; the subgraph server opens one scope per request. */
export const requestScope = new AsyncLocalStorage<{ requestId: string; background?: boolean }>();

/**
 * Runs work in a background scope of its own, whatever scope it started in: no request id, its
 * statements not counted, and not the clock's either.
 */
export const runInFreshBackground = <T>(work: () => T): T =>
  requestScope.run({ requestId: '', background: true }, work);

/**
 * Runs work no request asked for (following the event log for subscribers): its statements are
 * not counted, so a request's statement count is the request's alone.
 */
export const runInBackground = <T>(work: () => Promise<T>): Promise<T> =>
  // work already in the background keeps its scope: a timer's stays the clock's
  requestScope.getStore()?.background ? work() : runInFreshBackground(work);

/** the request id of work a timer set off (a safety-net poll, a sweep), not an event or a call */
export const CLOCK_REQUEST_ID = 'clock';

/**
 * Runs work a timer set off, in the background like `runInBackground`, under its own request
 * id: what it costs is the clock's, and a test that charges work to its cause leaves it out.
 */
export const runOnClock = <T>(work: () => T): T =>
  requestScope.run({ requestId: CLOCK_REQUEST_ID, background: true }, work);

const REMEMBERED_REQUESTS = 1000;

function countStatement(statements: StatementCounter): void {
  const scope = requestScope.getStore();
  if (scope?.background) return;
  statements.count++;
  const requestId = scope?.requestId;
  if (!requestId) return;
  statements.byRequest.set(requestId, (statements.byRequest.get(requestId) ?? 0) + 1);
  if (statements.byRequest.size > REMEMBERED_REQUESTS) {
    const oldest = statements.byRequest.keys().next().value;
    if (oldest !== undefined) statements.byRequest.delete(oldest);
  }
}

export interface DatabaseHandle {
  db: Database;
  kind: 'postgres' | 'pglite';
  /**
   * how another thread connects to the same PostgreSQL database with a pool of its own
   * (connectDatabase); none on PGlite, whose one instance lives in this thread
   */
  connection?: { url: string; preparedStatements: boolean };
  statements: StatementCounter;
  /** the connections in use and asked for, for the pool gauges on /metrics */
  pool: PoolUsage;
  /** calls `onNotify` with each NOTIFY payload on `channel`; resolves to an unlisten function */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  /** true while the database answers */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** a PostgreSQL URL; without one, an embedded PGlite database is used */
  url?: string | undefined;
  /** the PGlite data directory; in memory when omitted */
  dataDir?: string | undefined;
  /** the drizzle-kit migrations folder, applied on open */
  migrationsFolder: string;
  /** postgres.js pool size */
  maxConnections?: number | undefined;
  /**
   * prepares statements with parameters (one round trip each, plans reused); off for a pooler
   * that cannot keep them, such as PgBouncer in transaction mode before 1.21
   */
  preparedStatements?: boolean | undefined;
  /** where an embedded data directory set aside is reported; standard error when omitted */
  log?: Pick<Logger, 'warn'> | undefined;
}

/** Opens (creating it when missing) and migrates a subgraph's database. */
export async function openDatabase({
  url,
  dataDir,
  migrationsFolder,
  maxConnections = 10,
  preparedStatements = true,
  log,
}: OpenDatabaseOptions): Promise<DatabaseHandle> {
  const statements: StatementCounter = { count: 0, byRequest: new Map() };
  const logger = { logQuery: () => countStatement(statements) };

  if (url) {
    await createDatabaseIfMissing(url);
    await migrateUnderLock({ url, migrationsFolder });
    return connectDatabase({ url, maxConnections, preparedStatements, statements });
  }

  // loaded only here: a process (or worker thread) on PostgreSQL never loads PGlite's code
  const [{ openEmbeddedDatabase }, { drizzle: drizzlePglite }, { migrate: migratePglite }] =
    await Promise.all([
      import('./embedded-database.js'),
      import('drizzle-orm/pglite'),
      import('drizzle-orm/pglite/migrator'),
    ]);
  const client = await openEmbeddedDatabase(dataDir, {
    onSetAside: (event) => reportSetAside(event, log),
  });
  const pool = createPoolUsage(1);
  const instrumented = instrumentPglite(client, pool);
  const db = drizzlePglite(instrumented, { logger });
  await migratePglite(db, { migrationsFolder });
  return {
    db: db as unknown as Database,
    kind: 'pglite',
    statements,
    pool,
    listen: (channel, onNotify) => client.listen(channel, onNotify),
    ping: () =>
      instrumented.query('select 1').then(
        () => true,
        () => false,
      ),
    close: () => client.close(),
  };
}

/**
 * A pool on a PostgreSQL database that exists and is migrated already: what a worker thread
 * opens beside its service's own pool (openDatabase creates and migrates first).
 */
export function connectDatabase({
  url,
  maxConnections = 10,
  preparedStatements = true,
  statements = { count: 0, byRequest: new Map() },
}: {
  url: string;
  maxConnections?: number | undefined;
  preparedStatements?: boolean | undefined;
  statements?: StatementCounter;
}): DatabaseHandle {
  const logger = { logQuery: () => countStatement(statements) };
  const client = postgres(url, { max: maxConnections, onnotice: () => {} });
  const pool = createPoolUsage(maxConnections);
  // statements go through the instrumented client (spans, pool use); LISTEN has its own
  // connection outside the pool
  const instrumented = instrumentPostgres(client, pool, { prepare: preparedStatements });
  const db = drizzlePostgres(instrumented, { logger });
  return {
    db: db as unknown as Database,
    kind: 'postgres',
    connection: { url, preparedStatements },
    statements,
    pool,
    async listen(channel, onNotify) {
      const { unlisten } = await client.listen(channel, onNotify);
      return unlisten;
    },
    ping: () =>
      instrumented.unsafe('select 1').then(
        () => true,
        () => false,
      ),
    close: () => client.end({ timeout: 5 }),
  };
}

/** One line saying what became of an embedded database PGlite could no longer open. */
function reportSetAside(
  { dataDir, backup, found, expected }: SetAside,
  log: Pick<Logger, 'warn'> | undefined,
): void {
  const message =
    `the embedded database in ${dataDir} was made by PostgreSQL ${found}, which this PGlite ` +
    `(PostgreSQL ${expected}) cannot open: it is kept in ${backup}, and a new empty one ` +
    `takes its place`;
  if (log) log.warn({ dataDir, backup }, message);
  else console.warn(message);
}

// any fixed number will do: advisory locks are per database, and only migrators take this one
const MIGRATION_LOCK_KEY = 4_160_377_211;

/**
 * Applies the migrations while holding an advisory lock, so that replicas starting together
 * migrate one after the other (the later ones find nothing left to do). The lock is a session
 * lock: it is taken, used and released on the migrator's one connection.
 */
async function migrateUnderLock({
  url,
  migrationsFolder,
}: {
  url: string;
  migrationsFolder: string;
}): Promise<void> {
  const connection = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await connection`select pg_advisory_lock(${MIGRATION_LOCK_KEY}::bigint)`;
    await migratePostgres(drizzlePostgres(connection), { migrationsFolder });
    await connection`select pg_advisory_unlock(${MIGRATION_LOCK_KEY}::bigint)`;
  } finally {
    // closing the connection releases the lock too, should the migration have failed
    await connection.end({ timeout: 5 });
  }
}

/** Creates the database named in `url` when the server does not have it yet. */
export async function createDatabaseIfMissing(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const admin = postgres(withDatabase(url, 'postgres'), { max: 1, onnotice: () => {} });
  try {
    const found = await admin`select 1 from pg_database where datname = ${name}`;
    if (found.length === 0) {
      // a concurrent creator may win the race (42P04, or 23505 when both got past the
      // catalog check at once); its database is as good as ours
      await admin.unsafe(`create database "${name.replaceAll('"', '""')}"`).catch((error) => {
        const code = (error as { code?: string }).code;
        if (code !== '42P04' && code !== '23505') throw error;
      });
    }
  } finally {
    await admin.end({ timeout: 5 });
  }
}

/** Drops a database (tests clean up after themselves). */
export async function dropDatabase(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const admin = postgres(withDatabase(url, 'postgres'), { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists "${name.replaceAll('"', '""')}" with (force)`);
  } finally {
    await admin.end({ timeout: 5 });
  }
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Runs raw SQL and returns its rows, the same shape for both drivers. */
export async function executeRows<T extends Record<string, unknown>>(
  db: Database,
  query: SQL,
): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}

export { sql };

/** The PostgreSQL error code of a failed statement, looking through drizzle's wrapper. */
export function pgErrorCode(error: unknown): string | undefined {
  const candidate = error as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = candidate?.code ?? candidate?.cause?.code;
  return typeof code === 'string' ? code : undefined;
}

export const isUniqueViolation = (error: unknown) => pgErrorCode(error) === '23505';
