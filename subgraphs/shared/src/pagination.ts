import { badUserInput } from './errors.js';

export const MAX_PAGE_SIZE = 100;

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** Validates `first` (1..100) and decodes `after`; bad values are BAD_USER_INPUT errors. */
export function pageArgs<C>({ first, after }: { first?: number | null; after?: string | null }): {
  limit: number;
  after: C | null;
} {
  const limit = first ?? 20;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw badUserInput(`"first" must be between 1 and ${MAX_PAGE_SIZE}.`, 'first');
  }
  return { limit, after: after ? decodeCursor<C>(after) : null };
}

export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeCursor<C>(cursor: string): C {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as C;
  } catch {
    throw badUserInput('"after" is not a valid cursor.', 'after');
  }
}

/**
 * Builds a connection from `limit + 1` fetched rows: the extra row only tells whether there
 * is a next page.
 */
export function toConnection<T>(
  rows: T[],
  { limit, cursorOf }: { limit: number; cursorOf: (row: T) => unknown },
): Connection<T> {
  const page = rows.slice(0, limit);
  const edges = page.map((node) => ({ cursor: encodeCursor(cursorOf(node)), node }));
  return {
    edges,
    nodes: page,
    pageInfo: { hasNextPage: rows.length > limit, endCursor: edges.at(-1)?.cursor ?? null },
  };
}
