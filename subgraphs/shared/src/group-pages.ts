import { and, asc, desc, eq, getTableColumns, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { anyOf } from './any-of.js';
import type { Database } from './db.js';

type ColumnKey<T extends PgTable> = keyof T['_']['columns'] & string;

export interface NewestFirstPerGroupOptions<T extends PgTable> {
  db: Database;
  table: T;
  /** the column a group is told by, such as an order's customer */
  groupBy: ColumnKey<T>;
  /** the groups to fetch a page of each */
  groups: readonly string[];
  /** the columns a group is ordered by, newest first; together they tell rows apart */
  newestFirst: readonly ColumnKey<T>[];
  /** the rows' other conditions (a status, a visibility) */
  where?: readonly (SQL | undefined)[];
  /** the keyset cursor, the `newestFirst` columns' values of the last row seen: older rows only */
  after: Partial<Record<ColumnKey<T>, unknown>> | null;
  /** at most this many rows of each group */
  limit: number;
}

/**
 * One page of each of several groups in one statement (a page of each customer's orders): rows
 * newest first after a keyset cursor, at most `limit` of each group, grouped in group order. The
 * batch side of `pagedGroupLoader`.
 */
export async function newestFirstPerGroup<T extends PgTable>({
  db,
  table,
  groupBy,
  groups,
  newestFirst,
  where = [],
  after,
  limit,
}: NewestFirstPerGroupOptions<T>): Promise<T['$inferSelect'][]> {
  const columns = getTableColumns(table) as Record<string, PgColumn>;
  const order = newestFirst.map((key) => columns[key]!);
  const conditions = [anyOf(columns[groupBy]!, groups), ...where];
  if (after) {
    const cursor = newestFirst.map((key) => after[key]);
    conditions.push(olderThan(order, cursor));
  }
  // appended, not nested: drizzle names a selected expression's columns without their table only
  // at its top level, and so the statement is the one each repository used to write out
  const rank = sql<number>`row_number() over (partition by ${columns[groupBy]} order by `;
  order.forEach((column, i) => rank.append(i === 0 ? sql`${column} desc` : sql`, ${column} desc`));
  rank.append(sql`)`);
  const ranked = db.$with('ranked').as(
    db
      .select({ ...columns, rank: rank.as('rank') })
      .from(table as PgTable)
      .where(and(...conditions)),
  );
  const fields = ranked as unknown as Record<string, PgColumn>;
  const rows = await db
    .with(ranked)
    .select()
    .from(ranked)
    .where(lte(ranked.rank, limit))
    .orderBy(asc(fields[groupBy]!), ...newestFirst.map((key) => desc(fields[key]!)));
  return rows.map(({ rank: _rank, ...row }) => row as T['$inferSelect']);
}

/** the keyset condition of rows after `values` in newest-first order of `columns` */
function olderThan([column, ...rest]: PgColumn[], [value, ...restValues]: unknown[]): SQL {
  if (rest.length === 0) return lt(column!, value);
  return or(lt(column!, value), and(eq(column!, value), olderThan(rest, restValues)))!;
}
