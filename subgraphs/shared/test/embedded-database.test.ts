import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openEmbeddedDatabase } from '../src/embedded-database.js';

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
    assert.deepEqual(readdirSync(parent).sort(), ['.pglite-template', 'catalog', 'orders']);
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
});
