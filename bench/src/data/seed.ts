import { join } from 'node:path';
import postgres, { type Sql } from 'postgres';
import { dropDatabase, openDatabase, PROJECT_ROOT, withDatabase } from '@ordergraph/shared';
import { copyRows } from './copy.js';
import type { Dataset } from './model.js';
import { TABLES } from './table-loads.js';

export const SUBGRAPHS = ['customers', 'catalog', 'orders', 'inventory', 'shipments'] as const;
export type Subgraph = (typeof SUBGRAPHS)[number];

/** The bench database of each subgraph on the server at `serverUrl`. */
export function benchDatabaseUrls(serverUrl: string, prefix: string): Record<Subgraph, string> {
  return Object.fromEntries(
    SUBGRAPHS.map((name) => [name, withDatabase(serverUrl, `${prefix}${name}`)]),
  ) as Record<Subgraph, string>;
}

// the marker is written last: a database whose seeding was interrupted is never reused
const MARKER_TABLE = 'bench_seed';

async function storedFingerprint(url: string): Promise<string | null> {
  const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    const rows = await sql<{ fingerprint: string }[]>`
      select fingerprint from ${sql(MARKER_TABLE)} limit 1`;
    return rows[0]?.fingerprint ?? null;
  } catch {
    return null; // no database, or no marker table
  } finally {
    await sql.end({ timeout: 5 });
  }
}

async function seedOne(name: Subgraph, url: string, dataset: Dataset): Promise<void> {
  await dropDatabase(url);
  const handle = await openDatabase({
    url,
    migrationsFolder: join(PROJECT_ROOT, 'subgraphs', name, 'drizzle'),
    maxConnections: 1,
  });
  await handle.close();
  const sql: Sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    for (const { table, columns, rows } of TABLES[name]) {
      await copyRows(sql, table, columns, rows(dataset));
    }
    await sql.unsafe('analyze');
    await sql`create table ${sql(MARKER_TABLE)} (fingerprint text not null, seeded_at timestamptz not null default now())`;
    await sql`insert into ${sql(MARKER_TABLE)} (fingerprint) values (${dataset.fingerprint})`;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/**
 * Makes sure the five bench databases hold this data set: reused when every one carries its
 * fingerprint, otherwise dropped, migrated with the subgraphs' own migrations and bulk loaded.
 */
export async function ensureSeeded({
  urls,
  dataset,
  log,
}: {
  urls: Record<Subgraph, string>;
  dataset: Dataset;
  log: (line: string) => void;
}): Promise<'reused' | 'seeded'> {
  const stored = await Promise.all(SUBGRAPHS.map((name) => storedFingerprint(urls[name])));
  if (stored.every((fingerprint) => fingerprint === dataset.fingerprint)) return 'reused';
  log(`seeding ${dataset.fingerprint} into ${SUBGRAPHS.length} databases`);
  // the order tables are the largest: load them alongside the others
  await Promise.all(SUBGRAPHS.map((name) => seedOne(name, urls[name], dataset)));
  return 'seeded';
}
