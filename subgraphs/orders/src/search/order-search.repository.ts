import { and, asc, desc, eq, gte, inArray, lt, lte, sql, type SQL } from 'drizzle-orm';
import { anyOf, executeRows, type Database } from '@ordergraph/shared/core';
import { allocations, orderLines, orders, type OrderRow } from '../db/schema.js';
import type { OrderFilter, OrderSort, SearchCursor } from './order-search.js';

/** the escape of LIKE's wildcards in text taken literally */
const likeLiteral = (text: string) => text.replaceAll(/[\\%_]/g, (char) => `\\${char}`);

/** the smallest text above every text that starts with `prefix` (byte order, as the index) */
const prefixUpperBound = (prefix: string) =>
  prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);

/** The WHERE conditions of a filter; each one has an index to use (see db/schema.ts). */
export function filterConditions(filter: OrderFilter): SQL[] {
  const conditions: SQL[] = [];
  // one parameter per value (at most 8 of them): PGlite cannot bind an array of an enum
  // type, and the planner estimates a list of constants better than a cast array
  if (filter.statuses) conditions.push(inArray(orders.status, filter.statuses));
  if (filter.paymentStatuses) {
    conditions.push(inArray(orders.paymentStatus, filter.paymentStatuses));
  }
  if (filter.placedFrom) conditions.push(gte(orders.placedAt, filter.placedFrom));
  if (filter.placedTo) conditions.push(lt(orders.placedAt, filter.placedTo));
  if (filter.number) conditions.push(eq(orders.number, filter.number));
  if (filter.numberPrefix) {
    // the pattern operators bound the text_pattern_ops index even as a prepared statement,
    // where a LIKE with a parameter cannot; the LIKE keeps the meaning exact
    const prefix = filter.numberPrefix;
    conditions.push(
      sql`${orders.number} ~>=~ ${prefix} and ${orders.number} ~<~ ${prefixUpperBound(prefix)}
          and ${orders.number} like ${`${likeLiteral(prefix)}%`}`,
    );
  }
  if (filter.customerId) conditions.push(eq(orders.customerId, filter.customerId));
  if (filter.sku) {
    conditions.push(
      sql`exists (select 1 from ${orderLines} where ${orderLines.orderId} = ${orders.id}
              and ${orderLines.sku} = ${filter.sku})`,
    );
  }
  if (filter.warehouseId) {
    conditions.push(
      sql`exists (select 1 from ${allocations} where ${allocations.orderId} = ${orders.id}
              and ${allocations.warehouseId} = ${filter.warehouseId})`,
    );
  }
  if (filter.total) {
    conditions.push(eq(orders.currency, filter.total.currency));
    if (filter.total.min !== null) conditions.push(gte(orders.total, filter.total.min));
    if (filter.total.max !== null) conditions.push(lte(orders.total, filter.total.max));
  }
  return conditions;
}

/** The ORDER BY of a sort, ties broken by id so that keyset pages never overlap. */
export function sortOrder(sort: OrderSort): SQL[] {
  const column = sort.field === 'PLACED_AT' ? orders.placedAt : orders.total;
  const by = sort.direction === 'ASC' ? asc : desc;
  return [by(column), by(orders.id)];
}

/** The rows after a keyset cursor, as one row comparison the sort's index serves. */
export function afterCursor(sort: OrderSort, cursor: SearchCursor): SQL {
  const beyond = sql.raw(sort.direction === 'ASC' ? '>' : '<');
  // the instant as ISO text: a Date bound in raw SQL would be sent in its local text form
  return sort.field === 'PLACED_AT'
    ? sql`(${orders.placedAt}, ${orders.id}) ${beyond} (${new Date(cursor.value).toISOString()}::timestamptz, ${cursor.id}::uuid)`
    : sql`(${orders.total}, ${orders.id}) ${beyond} (${cursor.value}::bigint, ${cursor.id}::uuid)`;
}

/** Staff search over all orders, as plain functions over `db`. */
export function createOrderSearchRepository({ db }: { db: Database }) {
  const pageQuery = ({ filter, sort, after, limit }: SearchPage) => {
    const conditions = filterConditions(filter);
    if (after) conditions.push(afterCursor(sort, after));
    return db
      .select()
      .from(orders)
      .where(and(...conditions))
      .orderBy(...sortOrder(sort))
      .limit(limit);
  };

  const countQuery = ({ filter, cap }: { filter: OrderFilter; cap: number }) => {
    const matched = db
      .select({ one: sql`1` })
      .from(orders)
      .where(and(...filterConditions(filter)))
      .limit(cap + 1)
      .as('matched');
    return db.select({ count: sql<number>`count(*)::int` }).from(matched);
  };

  const explain = async (query: SQL): Promise<string> => {
    const rows = await executeRows<{ 'QUERY PLAN': string }>(db, sql`explain ${query}`);
    return rows.map((row) => row['QUERY PLAN']).join('\n');
  };

  return {
    /** one keyset page: `limit` rows after the cursor, in the sort's order (one statement) */
    page: (search: SearchPage): Promise<OrderRow[]> => pageQuery(search),

    /**
     * How many orders match, counting at most `cap + 1` of them (one statement): a count above
     * `cap` only says that more than `cap` match, and costs no more than reading `cap + 1`
     * index entries.
     */
    async countUpTo(count: { filter: OrderFilter; cap: number }): Promise<number> {
      const [row] = await countQuery(count);
      return Number(row?.count ?? 0);
    },

    /** how many lines each order has, by order id (one statement) */
    async lineCounts(orderIds: readonly string[]): Promise<Map<string, number>> {
      if (orderIds.length === 0) return new Map();
      const rows = await db
        .select({ orderId: orderLines.orderId, count: sql<number>`count(*)::int` })
        .from(orderLines)
        .where(anyOf(orderLines.orderId, [...orderIds]))
        .groupBy(orderLines.orderId);
      return new Map(rows.map((row) => [row.orderId, Number(row.count)]));
    },

    /** the plans PostgreSQL chooses for a page and its count: what tests and the bench print */
    async explain(search: SearchPage & { cap: number }): Promise<{ page: string; count: string }> {
      return {
        page: await explain(pageQuery(search).getSQL()),
        count: await explain(countQuery(search).getSQL()),
      };
    },
  };
}

/** One page of a search, as the repository reads it. */
export interface SearchPage {
  filter: OrderFilter;
  sort: OrderSort;
  after: SearchCursor | null;
  limit: number;
}

export type OrderSearchRepository = ReturnType<typeof createOrderSearchRepository>;
