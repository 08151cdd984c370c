import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { type Database, transaction } from './db.js';
import { invalidInput } from './errors.js';
import { idempotencyKeys } from './tables.js';
import type { InvalidInput } from './validation.js';

export type StoredResult = { __typename: string } & Record<string, unknown>;

/** A stable hash of a mutation's input, less its idempotency key. */
export function hashRequest(input: Record<string, unknown>): string {
  const { idempotencyKey: _ignored, ...rest } = input;
  return createHash('sha256').update(stableJson(rest)).digest('hex');
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

// a twin under the same key committed first: this run's work is rolled back
class ClaimedByTwin extends Error {}

/**
 * Runs a mutation at most once per (scope, key), inside one transaction with its result.
 * A concurrent twin blocks on the key's unique index until the first commits, then gets the
 * stored result; a key reused with another input gets an InvalidInputError.
 * `run` returns a JSON-serialisable result (ids, not rows); resolvers load the rest.
 *
 * `claim: 'last'` claims the key with the result, in one statement after the work, instead of
 * before it and again after it: a statement less for every call. A twin then does the work
 * too, and rolls it back when it finds the key taken; so only for work whose every effect is
 * in this database (no call to another service, no payment). `committed` is called when this
 * call's own work committed (not a stored result's).
 */
export async function withIdempotency<R extends StoredResult>(
  db: Database,
  {
    scope,
    key,
    input,
    run,
    claim = 'first',
    committed,
  }: {
    scope: string;
    key: string;
    input: Record<string, unknown>;
    run: (tx: Database) => Promise<R>;
    claim?: 'first' | 'last';
    committed?: (result: R) => void;
  },
): Promise<R | InvalidInput> {
  const requestHash = hashRequest(input);
  if (claim === 'last') {
    try {
      const result = await transaction(db, async (tx) => {
        const done = await run(tx);
        const claimed = await tx
          .insert(idempotencyKeys)
          .values({ scope, key, requestHash, result: done })
          .onConflictDoNothing()
          .returning({ key: idempotencyKeys.key });
        if (claimed.length === 0) throw new ClaimedByTwin();
        return done;
      });
      committed?.(result);
      return result;
    } catch (error) {
      if (!(error instanceof ClaimedByTwin)) throw error;
      return storedResult<R>(db, { scope, key, requestHash });
    }
  }
  type Outcome = { stored: R | InvalidInput } | { ran: R };
  const outcome = await db.transaction(async (tx): Promise<Outcome> => {
    const claimed = await tx
      .insert(idempotencyKeys)
      .values({ scope, key, requestHash, result: {} })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    if (claimed.length === 0) {
      return {
        stored: await storedResult<R>(tx, { scope, key, requestHash }),
      };
    }
    const result = await run(tx);
    await tx
      .update(idempotencyKeys)
      .set({ result })
      .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)));
    return { ran: result };
  });
  if ('stored' in outcome) return outcome.stored;
  committed?.(outcome.ran);
  return outcome.ran;
}

/** The result stored under (scope, key), or an InvalidInputError when its input differed. */
async function storedResult<R extends StoredResult>(
  db: Database,
  { scope, key, requestHash }: { scope: string; key: string; requestHash: string },
): Promise<R | InvalidInput> {
  const [previous] = await db
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)));
  if (previous && previous.requestHash !== requestHash) {
    return invalidInput(
      'This idempotencyKey was already used with a different input.',
      'idempotencyKey',
    );
  }
  // stored by this same code path for this scope, so it has the shape of R
  return previous?.result as unknown as R;
}
