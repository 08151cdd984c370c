import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { openDatabase, withDatabase, type DatabaseHandle } from '../db.js';
import { claimTestDatabase, TEST_DATABASE_CLAIM_LOCK } from './database-pool.js';

// tests choose their database from the environment: PostgreSQL when TEST_DATABASE_URL or
// DATABASE_URL names a server, embedded PGlite in memory otherwise
const serverUrl = process.env['TEST_DATABASE_URL'] ?? process.env['DATABASE_URL'];

export const testDatabaseKind: 'postgres' | 'pglite' = serverUrl ? 'postgres' : 'pglite';

/**
 * The skip reason of a test about concurrent transactions (`{ skip: racesNeedPostgres }`): on
 * PGlite, whose one connection runs them one after another, such a test passes whatever the
 * locking does. False on PostgreSQL.
 */
export const racesNeedPostgres: string | false =
  testDatabaseKind === 'pglite' ? 'needs PostgreSQL: PGlite serialises connections' : false;

/**
 * The URL of a new database for one test on the test server (`og_test_<name>_<random>`, created
 * when first opened); undefined without a server, where tests use PGlite.
 */
export function freshTestDatabaseUrl(name: string): string | undefined {
  return serverUrl && withDatabase(serverUrl, `og_test_${name}_${randomBytes(4).toString('hex')}`);
}

/**
 * Drops the test databases whose names start with `prefix` that are older than `olderThanMs`
 * (by the creation of their files) and that nobody is connected to: what runs killed before
 * their clean-up left behind. Returns the names dropped. Reading file times takes superuser or
 * pg_read_server_files: without it, nothing is dropped.
 */
export async function dropStaleTestDatabases({
  olderThanMs = 3_600_000,
  prefix = 'og_test_',
}: { olderThanMs?: number; prefix?: string } = {}): Promise<string[]> {
  if (!serverUrl) return [];
  const admin = postgres(withDatabase(serverUrl, 'postgres'), { max: 1, onnotice: () => {} });
  const dropped: string[] = [];
  try {
    const pattern = `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const stale = await admin<{ datname: string }[]>`
      select d.datname from pg_database d
      where d.datname like ${pattern}
        and not exists (select 1 from pg_stat_activity a where a.datid = d.oid)
        and (pg_stat_file('base/' || d.oid || '/PG_VERSION')).modification
          < now() - make_interval(secs => ${olderThanMs / 1000})`;
    for (const { datname } of stale) {
      // a reused test database claimed by a test file is left alone, connected or not
      const [claim] = await admin<{ free: boolean }[]>`
        select pg_try_advisory_lock(${TEST_DATABASE_CLAIM_LOCK}, hashtext(${datname})) as free`;
      if (!claim?.free) continue;
      // without force: one that somebody has connected to since is left alone
      const done = await admin
        .unsafe(`drop database if exists "${datname.replaceAll('"', '""')}"`)
        .then(
          () => true,
          () => false,
        );
      await admin`select pg_advisory_unlock(${TEST_DATABASE_CLAIM_LOCK}, hashtext(${datname}))`;
      if (done) dropped.push(datname);
    }
  } catch {
    // no right to read file times: nothing is dropped
  } finally {
    await admin.end({ timeout: 5 });
  }
  return dropped;
}

// once per process, before its first test database
let swept: Promise<unknown> | undefined;

// where each PostgreSQL test database lives, so a second process-like handle can open it
const urls = new WeakMap<DatabaseHandle, string>();

/**
 * A migrated database for one test file, holding only what its migrations wrote: on PostgreSQL
 * one of the server's reused test databases (see claimTestDatabase), given back by `close()`;
 * on PGlite a new one in memory. Its migrations name the database; `name` no longer does.
 */
export async function createTestDatabase({
  migrationsFolder,
}: {
  name: string;
  migrationsFolder: string;
}): Promise<DatabaseHandle> {
  if (!serverUrl) return openDatabase({ migrationsFolder });
  await (swept ??= dropStaleTestDatabases());
  const claimed = await claimTestDatabase({ serverUrl, migrationsFolder });
  let handle: DatabaseHandle;
  try {
    handle = await openDatabase({ url: claimed.url, migrationsFolder, maxConnections: 20 });
  } catch (error) {
    await claimed.release();
    throw error;
  }
  const database: DatabaseHandle = {
    ...handle,
    async close() {
      await handle.close();
      await claimed.release();
    },
  };
  urls.set(database, claimed.url);
  return database;
}

/**
 * Another handle on a test database, as a second replica of a service has: its own connection
 * pool on PostgreSQL; on PGlite (one instance per process) the same instance, left open by
 * `close()`. Closing it never drops the database.
 */
export async function openTestDatabaseReplica({
  of,
  migrationsFolder,
}: {
  of: DatabaseHandle;
  migrationsFolder: string;
}): Promise<DatabaseHandle> {
  const url = urls.get(of);
  if (!url) return { ...of, close: async () => {} };
  return openDatabase({ url, migrationsFolder, maxConnections: 20 });
}
