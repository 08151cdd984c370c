import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { bigserial, pgTable, text, uuid, varchar } from 'drizzle-orm/pg-core';
import { anyOf, type DatabaseHandle } from '../src/index.js';
import { createTestDatabase } from '../src/testing/index.js';

const migrationsFolder = fileURLToPath(new URL('./drizzle', import.meta.url));

const things = pgTable('any_of_things', {
  seq: bigserial('seq', { mode: 'number' }).primaryKey(),
  id: uuid('id').notNull(),
  sku: varchar('sku', { length: 40 }).notNull(),
  note: text('note').notNull(),
});

const ROWS = [
  { id: '00000000-0000-4000-8000-000000000001', sku: 'A-1', note: 'plain' },
  // characters an array literal would have to escape
  { id: '00000000-0000-4000-8000-000000000002', sku: `B'"{,}\\2`, note: 'NULL' },
  { id: '00000000-0000-4000-8000-000000000003', sku: 'C 3', note: '' },
];

let handle: DatabaseHandle;

before(async () => {
  handle = await createTestDatabase({ name: 'shared_any_of', migrationsFolder });
  await handle.db.execute(
    sql`create table any_of_things (seq bigserial primary key, id uuid not null, sku varchar(40) not null, note text not null)`,
  );
  await handle.db.insert(things).values(ROWS);
});
after(() => handle.close());

const select = (condition: ReturnType<typeof anyOf>) =>
  handle.db.select().from(things).where(condition).orderBy(things.seq);

describe('anyOf', () => {
  it('matches uuid, varchar and text keys, quotes and braces included', async () => {
    const byId = await select(anyOf(things.id, [ROWS[2]!.id, ROWS[0]!.id]));
    assert.deepEqual(
      byId.map((row) => row.sku),
      ['A-1', 'C 3'],
    );
    const bySku = await select(anyOf(things.sku, [ROWS[1]!.sku, 'missing']));
    assert.deepEqual(
      bySku.map((row) => row.id),
      [ROWS[1]!.id],
    );
    const byNote = await select(anyOf(things.note, ['NULL', '']));
    assert.deepEqual(
      byNote.map((row) => row.sku),
      [ROWS[1]!.sku, 'C 3'],
    );
  });

  it('takes a serial column as its integer type, and no keys as no rows', async () => {
    const bySeq = await select(anyOf(things.seq, [1, 3]));
    assert.deepEqual(
      bySeq.map((row) => row.sku),
      ['A-1', 'C 3'],
    );
    assert.deepEqual(await select(anyOf(things.id, [])), []);
  });

  it('is one statement text and one parameter whatever the number of keys', () => {
    const one = handle.db
      .select()
      .from(things)
      .where(anyOf(things.sku, ['A-1']))
      .toSQL();
    const many = handle.db
      .select()
      .from(things)
      .where(anyOf(things.sku, ['A-1', 'B', 'C', 'D']))
      .toSQL();
    assert.equal(one.sql, many.sql);
    assert.deepEqual(many.params, [['A-1', 'B', 'C', 'D']]);
    assert.match(one.sql, /= any\(\$1::varchar\(40\)\[\]\)/);
  });
});
