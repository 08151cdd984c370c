import type { Database } from '@ordergraph/shared';
import { someoneWaitsOnALock } from '@ordergraph/shared/testing';

/**
 * Resolves once a statement of this database waits for a lock another transaction holds;
 * rejects when `meanwhile` (the work expected to wait) settles first, since it did not wait.
 */
export async function untilSomeoneWaits(db: Database, meanwhile?: Promise<unknown>) {
  let settled = false;
  void meanwhile?.then(
    () => (settled = true),
    () => (settled = true),
  );
  await someoneWaitsOnALock(db, { what: 'the work under test', unless: () => settled });
  if (settled) throw new Error('the work ran to its end without waiting on a lock');
}

/**
 * Runs `hold` in a transaction that keeps its locks until `release()` is called, then runs
 * `last` in the same transaction and commits.
 */
export function holdLocks(
  db: Database,
  hold: (tx: Database) => Promise<unknown>,
  last: (tx: Database) => Promise<unknown> = async () => {},
) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let held!: () => void;
  let failed!: (error: unknown) => void;
  const holding = new Promise<void>((resolve, reject) => ((held = resolve), (failed = reject)));
  const done = db.transaction(async (transaction) => {
    const tx = transaction as unknown as Database;
    await hold(tx);
    held();
    await released;
    await last(tx);
  });
  // a hold that fails ends the wait for it too
  done.catch(failed);
  return { holding, release, done };
}
