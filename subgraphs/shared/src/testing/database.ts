import { randomBytes } from 'node:crypto';
import { dropDatabase, openDatabase, withDatabase, type DatabaseHandle } from '../db.js';

// tests choose their database from the environment: PostgreSQL when TEST_DATABASE_URL or
// DATABASE_URL names a server, embedded PGlite in memory otherwise
const serverUrl = process.env['TEST_DATABASE_URL'] ?? process.env['DATABASE_URL'];

export const testDatabaseKind: 'postgres' | 'pglite' = serverUrl ? 'postgres' : 'pglite';

/**
 * The URL of a new database for one test on the test server (`og_test_<name>_<random>`, created
 * when first opened); undefined without a server, where tests use PGlite.
 */
export function freshTestDatabaseUrl(name: string): string | undefined {
  return serverUrl && withDatabase(serverUrl, `og_test_${name}_${randomBytes(4).toString('hex')}`);
}

// where each PostgreSQL test database lives, so a second process-like handle can open it
const urls = new WeakMap<DatabaseHandle, string>();

/** A fresh, migrated database for one test file; `close()` drops it. */
export async function createTestDatabase({
  name,
  migrationsFolder,
}: {
  name: string;
  migrationsFolder: string;
}): Promise<DatabaseHandle> {
  const url = freshTestDatabaseUrl(name);
  if (!url) return openDatabase({ migrationsFolder });
  const handle = await openDatabase({ url, migrationsFolder, maxConnections: 20 });
  const database: DatabaseHandle = {
    ...handle,
    async close() {
      await handle.close();
      await dropDatabase(url);
    },
  };
  urls.set(database, url);
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
