import { executeRows, sql, type Database } from '../db.js';
import { waitUntil } from './subscriptions.js';

/** how many statements of `db`'s database wait now for a lock another transaction holds */
export async function lockWaiters(db: Database): Promise<number> {
  const [row] = await executeRows<{ waiting: number }>(
    db,
    sql`select count(*)::int as waiting from pg_stat_activity
        where datname = current_database() and wait_event_type = 'Lock'`,
  );
  return row?.waiting ?? 0;
}

/**
 * Resolves once a statement of `db`'s database waits for a lock another transaction holds: a
 * test of locking waits for this, rather than for a while, before it looks at what the waiting
 * work has not done yet. `unless` ends the wait too (the work went ahead: the test's assertion
 * then fails at once rather than at the deadline). PostgreSQL only (see racesNeedPostgres):
 * PGlite runs one statement at a time, so its statements never wait for a lock.
 */
export function someoneWaitsOnALock(
  db: Database,
  {
    what,
    unless = () => false,
    timeoutMs,
  }: { what: string; unless?: () => boolean; timeoutMs?: number },
): Promise<void> {
  return waitUntil(async () => unless() || (await lockWaiters(db)) > 0, {
    what: `${what} to wait for a lock`,
    ...(timeoutMs !== undefined && { timeoutMs }),
  });
}
