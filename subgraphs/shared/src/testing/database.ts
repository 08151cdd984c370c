import { randomBytes } from 'node:crypto';
import { dropDatabase, openDatabase, withDatabase, type DatabaseHandle } from '../db.js';

// tests choose their database from the environment: PostgreSQL when TEST_DATABASE_URL or
// DATABASE_URL names a server, embedded PGlite in memory otherwise
const serverUrl = process.env['TEST_DATABASE_URL'] ?? process.env['DATABASE_URL'];

export const testDatabaseKind: 'postgres' | 'pglite' = serverUrl ? 'postgres' : 'pglite';

/** A fresh, migrated database for one test file; `close()` drops it. */
export async function createTestDatabase({
  name,
  migrationsFolder,
}: {
  name: string;
  migrationsFolder: string;
}): Promise<DatabaseHandle> {
  if (!serverUrl) return openDatabase({ migrationsFolder });
  const url = withDatabase(serverUrl, `og_test_${name}_${randomBytes(4).toString('hex')}`);
  const handle = await openDatabase({ url, migrationsFolder, maxConnections: 20 });
  return {
    ...handle,
    async close() {
      await handle.close();
      await dropDatabase(url);
    },
  };
}
