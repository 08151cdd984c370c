import { and, asc, desc, eq, ilike, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import { anyOf, executeRows, isUniqueViolation, isUuid, type Database } from '@ordergraph/shared';
import { addresses, customers, type AddressRow, type CustomerRow } from './db/schema.js';

export class EmailTakenError extends Error {
  constructor(readonly email: string) {
    super(`The e-mail address ${email} is already registered.`);
  }
}

/** keyset position in the newest-first customer list */
export interface CustomerCursor {
  createdAt: string;
  id: string;
}

/** The customers service's SQL, as plain functions over `db` (a transaction works too). */
export function createCustomersRepository({ db }: { db: Database }) {
  return {
    async findByIds(ids: readonly string[]): Promise<CustomerRow[]> {
      const valid = ids.filter(isUuid);
      if (valid.length === 0) return [];
      return db.select().from(customers).where(anyOf(customers.id, valid));
    },

    async findByEmail(email: string): Promise<CustomerRow | null> {
      const [row] = await db
        .select()
        .from(customers)
        .where(
          ilike(
            customers.email,
            email.replaceAll(/[\\%_]/g, (c) => `\\${c}`),
          ),
        );
      return row ?? null;
    },

    async findAddressesByCustomerIds(customerIds: readonly string[]): Promise<AddressRow[]> {
      const valid = customerIds.filter(isUuid);
      if (valid.length === 0) return [];
      return db
        .select()
        .from(addresses)
        .where(anyOf(addresses.customerId, valid))
        .orderBy(asc(addresses.createdAt), asc(addresses.id));
    },

    /** newest first; fetches `limit` rows after the cursor */
    async list(page: CustomerPage): Promise<CustomerRow[]> {
      return listQuery(db, page);
    },

    /** the plan PostgreSQL makes for list(page), as EXPLAIN prints it */
    async explainList(page: CustomerPage): Promise<string> {
      const rows = await executeRows<{ 'QUERY PLAN': string }>(
        db,
        sql`explain ${listQuery(db, page).getSQL()}`,
      );
      return rows.map((row) => row['QUERY PLAN']).join('\n');
    },

    /** inserts a customer; a taken e-mail is an EmailTakenError */
    async insert(values: {
      email: string;
      name: string;
      phone: string | null;
    }): Promise<CustomerRow> {
      try {
        const [row] = await db.insert(customers).values(values).returning();
        return row!;
      } catch (error) {
        if (isUniqueViolation(error)) throw new EmailTakenError(values.email);
        throw error;
      }
    },

    async insertAddress(values: typeof addresses.$inferInsert): Promise<AddressRow> {
      const [row] = await db.insert(addresses).values(values).returning();
      return row!;
    },
  };
}

export type CustomersRepository = ReturnType<typeof createCustomersRepository>;

/** A page of customers(search): `limit` rows after the cursor. */
export interface CustomerPage {
  limit: number;
  after: CustomerCursor | null;
  search?: string | null;
}

function listQuery(db: Database, { limit, after, search }: CustomerPage) {
  const conditions: (SQL | undefined)[] = [];
  if (after) {
    const createdAt = new Date(after.createdAt);
    conditions.push(
      or(
        lt(customers.createdAt, createdAt),
        and(eq(customers.createdAt, createdAt), lt(customers.id, after.id)),
      ),
    );
  }
  const matching = search ? searchCondition(search) : null;
  if (matching) {
    // the matches are found through the search indexes first, then ordered: left to itself,
    // the planner walks the newest-first index and filters, reading the whole table when few
    // match (its guess of a word prefix's share is far too high)
    conditions.push(
      inArray(
        customers.id,
        sql`(with matched as materialized (
          select ${customers.id} as id, ${customers.createdAt} as created_at from ${customers}
          where ${and(matching, ...conditions)})
        select id from matched order by created_at desc, id desc limit ${limit})`,
      ),
    );
  }
  return db
    .select()
    .from(customers)
    .where(and(...conditions))
    .orderBy(desc(customers.createdAt), desc(customers.id))
    .limit(limit);
}

/**
 * customers(search): an e-mail starting with the text, whatever its case, or a name with a word
 * starting with each word of the text; both served by an index (see db/schema.ts). Null when the
 * text is blank.
 */
function searchCondition(search: string): SQL | null {
  const text = search.trim().toLowerCase();
  if (!text) return null;
  const prefix = `${text.replaceAll(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const email = sql`lower(${customers.email}) like ${prefix}`;
  // letters and digits only reach the tsquery, so no input can break its syntax
  const words = text.match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length === 0) return email;
  const query = words.map((word) => `${word}:*`).join(' & ');
  return or(
    email,
    sql`to_tsvector('simple', ${customers.name}) @@ to_tsquery('simple', ${query})`,
  )!;
}
