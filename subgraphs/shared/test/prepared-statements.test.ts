import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { dropDatabase, executeRows, openDatabase, sql, type DatabaseHandle } from '../src/index.js';
import { freshTestDatabaseUrl } from '../src/testing/index.js';

const migrationsFolder = fileURLToPath(new URL('./drizzle', import.meta.url));
const databaseUrl = freshTestDatabaseUrl('prepared');

/** One connection, so that what it has prepared is what pg_prepared_statements shows. */
async function openOneConnection(preparedStatements: boolean): Promise<DatabaseHandle> {
  return openDatabase({
    url: databaseUrl,
    migrationsFolder,
    maxConnections: 1,
    preparedStatements,
  });
}

/** the statements of this test the connection has prepared (postgres.js prepares its own too) */
async function preparedTexts(handle: DatabaseHandle): Promise<string[]> {
  const rows = await executeRows<{ statement: string }>(
    handle.db,
    sql`select statement from pg_prepared_statements order by prepare_time`,
  );
  return rows
    .map((row) => row.statement)
    .filter((text) => /as (next|twice)$|pg_prepared_statements/.test(text));
}

describe('statements on PostgreSQL', { skip: !databaseUrl && 'PGlite has no pool' }, () => {
  after(() => databaseUrl && dropDatabase(databaseUrl));

  it('prepares a statement with parameters once per connection, in and out of transactions', async () => {
    const handle = await openOneConnection(true);
    try {
      for (let run = 0; run < 3; run++) {
        await handle.db.execute(sql`select ${run}::int + 1 as next`);
        await handle.db.transaction((tx) => tx.execute(sql`select ${run}::int * 2 as twice`));
      }
      const prepared = await preparedTexts(handle);
      // without parameters a statement keeps the simple protocol: the query reading the list
      // is not in it
      assert.deepEqual(prepared, ['select $1::int + 1 as next', 'select $1::int * 2 as twice']);
    } finally {
      await handle.close();
    }
  });

  it('prepares nothing when turned off (for a pooler that cannot keep statements)', async () => {
    const handle = await openOneConnection(false);
    try {
      await handle.db.execute(sql`select ${1}::int + 1 as next`);
      await handle.db.execute(sql`select ${2}::int + 1 as next`);
      assert.deepEqual(await preparedTexts(handle), []);
    } finally {
      await handle.close();
    }
  });
});
