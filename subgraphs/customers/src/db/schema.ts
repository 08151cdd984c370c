import { index, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';

export { eventLog, eventCursors, idempotencyKeys } from '@ordergraph/shared/tables';
import { instant } from '@ordergraph/shared/tables';

export const customers = pgTable(
  'customers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    phone: text('phone'),
    createdAt: instant('created_at'),
  },
  (table) => [
    // emails are unique whatever their case
    uniqueIndex('customers_email_key').on(sql`lower(${table.email})`),
    index('customers_created_idx').on(table.createdAt, table.id),
  ],
);

export const addresses = pgTable(
  'addresses',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    line1: text('line1').notNull(),
    line2: text('line2'),
    city: text('city').notNull(),
    region: text('region'),
    postalCode: text('postal_code').notNull(),
    country: text('country').notNull(),
    createdAt: instant('created_at'),
  },
  (table) => [index('addresses_customer_idx').on(table.customerId, table.createdAt)],
);

export type CustomerRow = typeof customers.$inferSelect;
export type AddressRow = typeof addresses.$inferSelect;
