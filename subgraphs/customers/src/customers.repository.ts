import { and, asc, desc, eq, ilike, lt, or, type SQL } from 'drizzle-orm';
import { isUniqueViolation, isUuid, type Database, anyOf } from '@ordergraph/shared';
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
    async list({
      limit,
      after,
      search,
    }: {
      limit: number;
      after: CustomerCursor | null;
      search?: string | null;
    }): Promise<CustomerRow[]> {
      const conditions: (SQL | undefined)[] = [];
      if (search) {
        const pattern = `%${search.replaceAll(/[\\%_]/g, (c) => `\\${c}`)}%`;
        conditions.push(or(ilike(customers.name, pattern), ilike(customers.email, pattern)));
      }
      if (after) {
        const createdAt = new Date(after.createdAt);
        conditions.push(
          or(
            lt(customers.createdAt, createdAt),
            and(eq(customers.createdAt, createdAt), lt(customers.id, after.id)),
          ),
        );
      }
      return db
        .select()
        .from(customers)
        .where(and(...conditions))
        .orderBy(desc(customers.createdAt), desc(customers.id))
        .limit(limit);
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
