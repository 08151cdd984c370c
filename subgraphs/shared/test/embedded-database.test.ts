import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../src/db.js';
import { openEmbeddedDatabase } from '../src/embedded-database.js';
import { createLogger } from '../src/logger.js';

const migrationsFolder = fileURLToPath(new URL('./drizzle', import.meta.url));
const templateOf = (parent: string) =>
  readdirSync(parent).find((entry) => /^\.pglite-template-\d+\.\d+\.\d+$/.test(entry));

describe('the embedded database', () => {
  const parent = mkdtempSync(join(tmpdir(), 'ordergraph-embedded-'));
  after(() => rmSync(parent, { recursive: true, force: true }));

  it('gives services started side by side a cluster each, from one initdb', async () => {
    const [orders, catalog] = await Promise.all([
      openEmbeddedDatabase(join(parent, 'orders')),
      openEmbeddedDatabase(join(parent, 'catalog')),
    ]);
    try {
      // each its own database: a table made in one is not in the other
      await orders.exec('create table only_in_orders (id int)');
      const seen = await catalog.query<{ n: number }>(
        `select count(*)::int as n from pg_tables where tablename = 'only_in_orders'`,
      );
      assert.equal(seen.rows[0]?.n, 0);
      const buffers = await catalog.query<{ shared_buffers: string }>('show shared_buffers');
      assert.equal(buffers.rows[0]?.shared_buffers, '16MB');
    } finally {
      await orders.close();
      await catalog.close();
    }
    // the template they were copied from, and nothing half made or locked left beside it
    const template = templateOf(parent);
    assert.ok(template, 'a template named by the PGlite version');
    assert.deepEqual(readdirSync(parent).sort(), [template, 'catalog', 'orders']);
  });

  it('opens an existing cluster as it is, with its data', async () => {
    const reopened = await openEmbeddedDatabase(join(parent, 'orders'));
    try {
      const seen = await reopened.query<{ n: number }>(
        `select count(*)::int as n from pg_tables where tablename = 'only_in_orders'`,
      );
      assert.equal(seen.rows[0]?.n, 1);
    } finally {
      await reopened.close();
    }
    assert.ok(existsSync(join(parent, 'orders', 'PG_VERSION')));
  });

  it('keeps a data directory of an older PostgreSQL aside and makes a new one in its place', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ordergraph-upgrade-'));
    try {
      // a cluster with a table in it, then marked as another major version's: PGlite refuses it
      const dataDir = join(root, 'orders');
      // the template the first test made (one initdb fewer)
      cpSync(join(parent, templateOf(parent)!), join(root, templateOf(parent)!), {
        recursive: true,
      });
      const old = await openEmbeddedDatabase(dataDir);
      await old.exec(
        'create table kept_from_before (id int); insert into kept_from_before values (7)',
      );
      await old.close();
      const major = readFileSync(join(dataDir, 'PG_VERSION'), 'utf8').trim();
      const older = String(Number(major) - 1);
      writeFileSync(join(dataDir, 'PG_VERSION'), `${older}\n`);
      // and the template a former PGlite left, named as it named it
      cpSync(join(root, templateOf(root)!), join(root, '.pglite-template'), { recursive: true });
      writeFileSync(join(root, '.pglite-template', 'PG_VERSION'), `${older}\n`);
      rmSync(join(root, templateOf(root)!), { recursive: true });

      const lines: string[] = [];
      const log = createLogger({
        name: 'orders',
        level: 'info',
        destination: new Writable({
          write(chunk: Buffer, _encoding, done) {
            lines.push(chunk.toString());
            done();
          },
        }),
      });
      const handle = await openDatabase({ dataDir, migrationsFolder, log });
      await handle.close();
      // the new database is migrated, and the old table is not in it
      const reopened = await openEmbeddedDatabase(dataDir);
      try {
        const tables = await reopened.query<{ tablename: string }>(
          `select tablename from pg_tables where tablename in ('kept_from_before', 'event_log')`,
        );
        assert.deepEqual(tables.rows, [{ tablename: 'event_log' }]);
      } finally {
        await reopened.close();
      }

      const backup = join(root, `orders-postgres${older}-backup`);
      assert.equal(lines.length, 1);
      const line = JSON.parse(lines[0]!) as Record<string, unknown>;
      assert.deepEqual(
        {
          level: line['level'],
          msg: line['msg'],
          dataDir: line['dataDir'],
          backup: line['backup'],
        },
        {
          level: 40,
          msg:
            `the embedded database in ${dataDir} was made by PostgreSQL ${older}, which this ` +
            `PGlite (PostgreSQL ${major}) cannot open: it is kept in ${backup}, and a new empty ` +
            `one takes its place`,
          dataDir,
          backup,
        },
      );
      assert.deepEqual(readdirSync(root).sort(), [
        templateOf(root),
        'orders',
        `orders-postgres${older}-backup`,
      ]);

      // the backup is the old cluster as it was: marked back, it opens with its table and row
      writeFileSync(join(backup, 'PG_VERSION'), `${major}\n`);
      const restored = await openEmbeddedDatabase(backup);
      try {
        const row = await restored.query<{ id: number }>('select id from kept_from_before');
        assert.deepEqual(row.rows, [{ id: 7 }]);
      } finally {
        await restored.close();
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
