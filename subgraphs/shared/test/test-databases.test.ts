import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import postgres from 'postgres';
import { withDatabase } from '../src/index.js';
import { dropStaleTestDatabases, testDatabaseKind } from '../src/testing/index.js';

const serverUrl = process.env['TEST_DATABASE_URL'] ?? process.env['DATABASE_URL'];
const needsPostgres =
  testDatabaseKind === 'pglite' ? 'needs PostgreSQL: PGlite test databases are in memory' : false;
if (needsPostgres) console.log(`# skipped: stale test databases (${needsPostgres})`);

describe('test databases left behind by killed runs', { skip: needsPostgres }, () => {
  it('drops the old ones nobody is connected to, and no other', async () => {
    const prefix = `og_test_sweep_${randomBytes(4).toString('hex')}_`;
    const admin = postgres(withDatabase(serverUrl!, 'postgres'), { max: 1, onnotice: () => {} });
    const names = { idle: `${prefix}idle`, used: `${prefix}used` };
    await admin.unsafe(`create database "${names.idle}"`);
    await admin.unsafe(`create database "${names.used}"`);
    const user = postgres(withDatabase(serverUrl!, names.used), { max: 1, onnotice: () => {} });
    try {
      await user`select 1`;
      // both are younger than an hour: nothing goes
      assert.deepEqual(await dropStaleTestDatabases({ prefix }), []);
      // past any age, the one with a connection stays
      assert.deepEqual(await dropStaleTestDatabases({ prefix, olderThanMs: 0 }), [names.idle]);
      const left = await admin<{ datname: string }[]>`
        select datname from pg_database where datname like ${`${prefix}%`} order by datname`;
      assert.deepEqual(
        left.map((row) => row.datname),
        [names.used],
      );
    } finally {
      await user.end({ timeout: 5 });
      for (const name of Object.values(names)) {
        await admin.unsafe(`drop database if exists "${name}" with (force)`);
      }
      await admin.end({ timeout: 5 });
    }
  });
});
