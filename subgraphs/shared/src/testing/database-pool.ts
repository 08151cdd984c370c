import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import postgres from 'postgres';
import { openDatabase, withDatabase } from '../db.js';

// Creating and dropping a database costs seconds each on a busy server (CREATE DATABASE copies
// and syncs a whole template), so test databases on PostgreSQL are kept and reused: one test
// file at a time holds one, and it is emptied back to its just-migrated state when claimed.

/** the advisory lock class of test database claims, taken in the server's `postgres` database */
export const TEST_DATABASE_CLAIM_LOCK = 24_240_001;

/** how many databases of one service's migrations the server keeps at most */
const MAX_SLOTS = 64;

const quiet = { onnotice: () => {} };

export interface ClaimedDatabase {
  url: string;
  /** gives the database back for the next test file (it is emptied when claimed again) */
  release(): Promise<void>;
}

/**
 * A migrated test database holding nothing but what its migrations put there, held by this
 * process until `release()` (or until the process ends: the claim is a session lock). Its
 * name says whose migrations it has: `og_test_pool_<service>_<hash of the migrations>_<slot>`.
 */
export async function claimTestDatabase({
  serverUrl,
  migrationsFolder,
}: {
  serverUrl: string;
  migrationsFolder: string;
}): Promise<ClaimedDatabase> {
  const claims = openClaims(serverUrl);
  try {
    for (let slot = 0; slot < MAX_SLOTS; slot++) {
      const name = `og_test_pool_${poolKey(migrationsFolder)}_${slot}`;
      // session locks are re-entrant: this process's own claims are told apart here
      if (held.has(name)) continue;
      held.add(name);
      const [row] = await claims.sql<{ claimed: boolean }[]>`
        select pg_try_advisory_lock(${TEST_DATABASE_CLAIM_LOCK}, hashtext(${name})) as claimed`;
      if (!row?.claimed) {
        held.delete(name);
        continue;
      }
      const url = withDatabase(serverUrl, name);
      try {
        await makeReady({ url, migrationsFolder });
      } catch (error) {
        await claims.sql`select pg_advisory_unlock(${TEST_DATABASE_CLAIM_LOCK}, hashtext(${name}))`;
        held.delete(name);
        throw error;
      }
      return {
        url,
        async release() {
          await claims.sql`select pg_advisory_unlock(${TEST_DATABASE_CLAIM_LOCK}, hashtext(${name}))`;
          held.delete(name);
          await claims.done();
        },
      };
    }
  } catch (error) {
    await claims.done();
    throw error;
  }
  await claims.done();
  throw new Error(`all ${MAX_SLOTS} test databases of ${migrationsFolder} are in use`);
}

// one connection per process holds every claim it has (the connection budget is shared), opened
// with the first claim and closed with the last
let shared: { sql: postgres.Sql; users: number } | undefined;
const held = new Set<string>();

function openClaims(serverUrl: string) {
  shared ??= { sql: postgres(withDatabase(serverUrl, 'postgres'), { max: 1, ...quiet }), users: 0 };
  const claims = shared;
  claims.users++;
  return {
    sql: claims.sql,
    async done() {
      if (--claims.users > 0) return;
      if (shared === claims) shared = undefined;
      await claims.sql.end({ timeout: 5 });
    },
  };
}

/** `<service>_<hash>`: the folder's package and a digest of every migration in it */
function poolKey(migrationsFolder: string): string {
  const service = basename(dirname(migrationsFolder))
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .slice(0, 20);
  const digest = createHash('sha256');
  const files = readdirSync(migrationsFolder).filter((file) => file.endsWith('.sql'));
  for (const file of files.sort())
    digest.update(file).update(readFileSync(join(migrationsFolder, file)));
  digest.update(readFileSync(join(migrationsFolder, 'meta', '_journal.json')));
  return `${service}_${digest.digest('hex').slice(0, 10)}`;
}

/**
 * Empties a claimed database back to its migrated state; creates it when missing, and makes it
 * again when a test changed its schema (a table renamed, a table of its own) or its making was
 * cut short.
 */
async function makeReady({ url, migrationsFolder }: { url: string; migrationsFolder: string }) {
  const connection = postgres(url, { max: 1, ...quiet });
  try {
    const [state] = await connection<{ ready: boolean; same: boolean }[]>`
      select to_regclass('og_test_meta.fingerprint') is not null as ready`.catch(
      (error: { code?: string }) => {
        if (error.code === '3D000') return [{ ready: false, same: false }];
        throw error;
      },
    );
    if (state?.ready) {
      const [same] = await connection.unsafe<{ same: boolean }[]>(
        `select (select value from og_test_meta.fingerprint) = (${FINGERPRINT}) as same`,
      );
      if (same?.same) {
        await connection.unsafe(RESET);
        return;
      }
    }
  } finally {
    await connection.end({ timeout: 5 });
  }
  await makeAgain({ url, migrationsFolder });
}

async function makeAgain({ url, migrationsFolder }: { url: string; migrationsFolder: string }) {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const admin = postgres(withDatabase(url, 'postgres'), { max: 1, ...quiet });
  try {
    // claimed by us: whatever is still connected is left over from a run that was cut short
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const handle = await openDatabase({ url, migrationsFolder, maxConnections: 1 });
  await handle.close();
  const connection = postgres(url, { max: 1, ...quiet });
  try {
    await connection.unsafe(BASELINE);
  } finally {
    await connection.end({ timeout: 5 });
  }
}

// what a test could change of the schema: columns, indexes, constraints, sequences, enums
const FINGERPRINT = `select md5(coalesce(string_agg(item, E'\\n' order by item), '')) from (
  select format('column %s.%s %s %s %s', table_name, column_name, data_type, is_nullable,
    coalesce(column_default, '')) as item
  from information_schema.columns where table_schema = 'public'
  union all select format('index %s', indexdef) from pg_indexes where schemaname = 'public'
  union all select format('constraint %s %s', conrelid::regclass, pg_get_constraintdef(oid))
  from pg_constraint where connamespace = 'public'::regnamespace
  union all select format('sequence %s', sequencename) from pg_sequences where schemaname = 'public'
  union all select format('type %s %s', t.typname, e.enumlabel)
  from pg_type t join pg_enum e on e.enumtypid = t.oid where t.typnamespace = 'public'::regnamespace
) items`;

// right after the migrations: the rows they wrote (reference data such as carriers), where
// each sequence stood, and the schema's fingerprint; the fingerprint goes last, marking it done
const BASELINE = `
create schema og_test_baseline;
create schema og_test_meta;
create table og_test_meta.sequences as
  select sequencename, last_value from pg_sequences where schemaname = 'public';
do $$
declare
  t record;
  filled boolean;
begin
  for t in select tablename from pg_tables where schemaname = 'public' loop
    execute format('select exists (select 1 from public.%I)', t.tablename) into filled;
    if filled then
      execute format('create table og_test_baseline.%I as select * from public.%I',
        t.tablename, t.tablename);
    end if;
  end loop;
end $$;
create table og_test_meta.fingerprint as select (${FINGERPRINT}) as value;`;

// back to the baseline, in one transaction
const RESET = `
do $$
declare
  t record;
  s record;
  tables text;
begin
  select string_agg(format('public.%I', tablename), ', ') into tables
  from pg_tables where schemaname = 'public';
  if tables is not null then
    execute 'truncate table ' || tables;
  end if;
  for t in select tablename from pg_tables where schemaname = 'og_test_baseline' loop
    execute format('insert into public.%I overriding system value select * from og_test_baseline.%I',
      t.tablename, t.tablename);
  end loop;
  for s in select sequencename, last_value from og_test_meta.sequences loop
    if s.last_value is null then
      execute format('alter sequence public.%I restart', s.sequencename);
    else
      perform setval(format('public.%I', s.sequencename)::regclass, s.last_value, true);
    end if;
  end loop;
end $$;`;
