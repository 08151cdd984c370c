import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import postgres from 'postgres';
import { executeRows, sql, withDatabase } from '../src/index.js';
import {
  createTestDatabase,
  dropStaleTestDatabases,
  testDatabaseKind,
} from '../src/testing/index.js';

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

describe('reused test databases', { skip: needsPostgres }, () => {
  // migrations of their own (a table, reference rows, a sequence), so that no other test file
  // holds one of these databases at the same time
  let folder: string;
  before(() => {
    folder = join(mkdtempSync(join(tmpdir(), 'og-reuse-')), 'drizzle');
    mkdirSync(join(folder, 'meta'), { recursive: true });
    const tag = `0000_reuse_${randomBytes(4).toString('hex')}`;
    writeFileSync(
      join(folder, `${tag}.sql`),
      [
        'create table colours (id serial primary key, name text not null unique);',
        "insert into colours (name) values ('red'), ('green');",
        'create sequence ticket_seq start with 500;',
      ].join('--> statement-breakpoint\n'),
    );
    writeFileSync(
      join(folder, 'meta', '_journal.json'),
      JSON.stringify({
        version: '7',
        dialect: 'postgresql',
        entries: [{ idx: 0, version: '7', when: Date.now(), tag, breakpoints: true }],
      }),
    );
  });
  const made = new Set<string>();
  after(async () => {
    rmSync(dirname(folder), { recursive: true, force: true });
    // these migrations are this run's alone: nobody will reuse their databases
    const admin = postgres(withDatabase(serverUrl!, 'postgres'), { max: 1, onnotice: () => {} });
    for (const name of made) await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end({ timeout: 5 });
  });

  const open = () => createTestDatabase({ name: 'reuse', migrationsFolder: folder });
  const contents = async (handle: Awaited<ReturnType<typeof open>>) => ({
    colours: (
      await executeRows<{ id: number; name: string }>(
        handle.db,
        sql`select id, name from colours order by id`,
      )
    ).map((row) => `${row.id} ${row.name}`),
    ticket: (
      await executeRows<{ next: string }>(handle.db, sql`select nextval('ticket_seq') as next`)
    )[0]!.next,
  });
  const databaseName = async (handle: Awaited<ReturnType<typeof open>>) => {
    const [row] = await executeRows<{ name: string }>(
      handle.db,
      sql`select current_database() as name`,
    );
    made.add(row!.name);
    return row!.name;
  };

  it('gives the next test file the database as its migrations left it', async () => {
    const first = await open();
    let name: string;
    try {
      name = await databaseName(first);
      assert.match(name, /^og_test_pool_\w+_[0-9a-f]{10}_0$/);
      assert.deepEqual(await contents(first), { colours: ['1 red', '2 green'], ticket: '500' });
      await executeRows(first.db, sql`insert into colours (name) values ('blue')`);
      await executeRows(first.db, sql`delete from colours where name = 'red'`);
    } finally {
      await first.close();
    }
    const second = await open();
    try {
      assert.equal(await databaseName(second), name);
      assert.deepEqual(await contents(second), { colours: ['1 red', '2 green'], ticket: '500' });
      const [blue] = await executeRows<{ id: number }>(
        second.db,
        sql`insert into colours (name) values ('blue') returning id`,
      );
      assert.equal(blue?.id, 3);
    } finally {
      await second.close();
    }
  });

  it('gives one database to one test file at a time', async () => {
    const [one, two] = [await open(), await open()];
    try {
      assert.notEqual(await databaseName(one), await databaseName(two));
    } finally {
      await one.close();
      await two.close();
    }
  });

  it('makes the database again when a test changed its schema', async () => {
    const first = await open();
    try {
      await executeRows(first.db, sql`alter table colours add column shade text`);
      await executeRows(first.db, sql`create table scratch (id int)`);
    } finally {
      await first.close();
    }
    const second = await open();
    try {
      const columns = await executeRows<{ column_name: string }>(
        second.db,
        sql`select column_name from information_schema.columns
            where table_schema = 'public' and table_name in ('colours', 'scratch')
            order by column_name`,
      );
      assert.deepEqual(
        columns.map((row) => row.column_name),
        ['id', 'name'],
      );
      assert.deepEqual((await contents(second)).colours, ['1 red', '2 green']);
    } finally {
      await second.close();
    }
  });
});
