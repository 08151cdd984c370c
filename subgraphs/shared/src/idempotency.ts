import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Database } from './db.js';
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

/**
 * Runs a mutation at most once per (scope, key), inside one transaction with its result.
 * A concurrent twin blocks on the key's unique index until the first commits, then gets the
 * stored result; a key reused with another input gets an InvalidInputError.
 * `run` returns a JSON-serialisable result (ids, not rows); resolvers load the rest.
 */
export async function withIdempotency<R extends StoredResult>(
  db: Database,
  {
    scope,
    key,
    input,
    run,
  }: {
    scope: string;
    key: string;
    input: Record<string, unknown>;
    run: (tx: Database) => Promise<R>;
  },
): Promise<R | InvalidInput> {
  const requestHash = hashRequest(input);
  return db.transaction(async (tx) => {
    const claimed = await tx
      .insert(idempotencyKeys)
      .values({ scope, key, requestHash, result: {} })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    if (claimed.length === 0) {
      const [previous] = await tx
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
      return previous?.result as R;
    }
    const result = await run(tx as unknown as Database);
    await tx
      .update(idempotencyKeys)
      .set({ result })
      .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)));
    return result;
  });
}
