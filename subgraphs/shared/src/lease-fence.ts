// apart from the lease's holder (lease.ts): a worker thread fences its work without prom-client
import { executeRows, sql } from './db.js';
import type { Lease } from './lease.js';

/** Thrown by a fence that finds the lease taken over: the work's transaction rolls back. */
export class LeaseLostError extends Error {
  constructor(lease: string) {
    super(`the lease "${lease}" is held by another replica`);
    this.name = 'LeaseLostError';
  }
}

// the lease is still held with this token; locks its row until the transaction ends
export const heldCondition = (name: string, token: number) =>
  sql`exists (select 1 from leases where name = ${name} and token = ${token} for share)`;

/**
 * The fence of a lease this replica holds, for work it hands to another thread with a
 * connection of its own (a worker thread): the same check as `Lease.fence`, by name and token.
 * A refusal throws LeaseLostError; the holder learns of the loss at its next renewal or fence.
 */
export function fenceOfLease({
  name,
  token,
}: {
  name: string;
  token: number;
}): Pick<Lease, 'token' | 'fence'> {
  return {
    token,
    async fence(tx) {
      const rows = await executeRows(tx, sql`select 1 as held where ${heldCondition(name, token)}`);
      if (rows.length === 0) throw new LeaseLostError(name);
    },
  };
}
