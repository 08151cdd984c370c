import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { getTableName, is } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import { dropDatabase, executeRows, openDatabase, sql } from '@ordergraph/shared';
import { freshTestDatabaseUrl } from '@ordergraph/shared/testing';
import * as schema from '../src/db/schema.js';
import { migrationsFolder } from '../src/server.js';

const url = freshTestDatabaseUrl('migrations');
const journal = JSON.parse(
  readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8'),
) as { entries: unknown[] };

describe('migrations at start-up', () => {
  it(
    'apply once when three replicas open an empty database together',
    { skip: !url && 'needs a PostgreSQL server' },
    async () => {
      const opened = await Promise.allSettled(
        [1, 2, 3].map(() => openDatabase({ url: url!, migrationsFolder, maxConnections: 2 })),
      );
      const handles = opened.flatMap((result) =>
        result.status === 'fulfilled' ? [result.value] : [],
      );
      try {
        assert.deepEqual(
          opened.map((result) => (result.status === 'fulfilled' ? 'opened' : result.reason)),
          ['opened', 'opened', 'opened'],
        );
        const [applied] = await executeRows<{ count: number }>(
          handles[0]!.db,
          sql`select count(*)::int as count from drizzle.__drizzle_migrations`,
        );
        assert.equal(applied!.count, journal.entries.length);
        const tables = await executeRows<{ name: string }>(
          handles[0]!.db,
          sql`select table_name as name from information_schema.tables
              where table_schema = 'public'`,
        );
        const declared = Object.values(schema)
          .filter((value) => is(value, PgTable))
          .map((table) => getTableName(table));
        assert.deepEqual(tables.map(({ name }) => name).sort(), declared.sort());
      } finally {
        await Promise.all(handles.map((handle) => handle.close()));
        await dropDatabase(url!);
      }
    },
  );
});
