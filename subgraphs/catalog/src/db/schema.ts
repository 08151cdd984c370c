import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

export { eventLog, eventCursors, idempotencyKeys, leases } from '@ordergraph/shared/tables';

const createdAt = () =>
  timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();

export const products = pgTable(
  'products',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    description: text('description'),
    category: text('category'),
    createdAt: createdAt(),
  },
  (table) => [
    // the list is in name order, case-insensitive and byte-wise so every server sorts alike
    index('products_name_idx').on(sql`lower(${table.name}) collate "C"`, table.id),
    index('products_category_idx').on(sql`lower(${table.category})`),
  ],
);

export const productVariants = pgTable(
  'product_variants',
  {
    sku: text('sku').primaryKey(),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id),
    name: text('name').notNull(),
    /** the unit price in minor units of `currency` */
    priceAmount: integer('price_amount').notNull(),
    currency: text('currency').notNull(),
    active: boolean('active').notNull().default(true),
    /** the variant's place among its product's variants, as created */
    position: integer('position').notNull(),
    createdAt: createdAt(),
  },
  (table) => [
    index('product_variants_product_idx').on(table.productId, table.position),
    check('product_variants_sku_check', sql`${table.sku} = upper(${table.sku})`),
    check('product_variants_price_check', sql`${table.priceAmount} >= 0`),
  ],
);

export const promotions = pgTable(
  'promotions',
  {
    /** stored upper-case; matched case-insensitively by upper-casing the code asked for */
    code: text('code').primaryKey(),
    kind: text('kind', { enum: ['PERCENTAGE', 'FIXED'] }).notNull(),
    /** PERCENTAGE: the discount in basis points (1000 = 10%) */
    basisPoints: integer('basis_points'),
    /** FIXED: the discount in minor units of `currency` */
    amountOff: integer('amount_off'),
    /** the currency of `amountOff` and `minimumSubtotal`; null for a percentage valid in any */
    currency: text('currency'),
    minimumSubtotal: integer('minimum_subtotal'),
    startsAt: timestamp('starts_at', { withTimezone: true, mode: 'date' }),
    endsAt: timestamp('ends_at', { withTimezone: true, mode: 'date' }),
    usageLimit: integer('usage_limit'),
    timesUsed: integer('times_used').notNull().default(0),
    createdAt: createdAt(),
  },
  (table) => [
    check('promotions_code_check', sql`${table.code} = upper(${table.code})`),
    check(
      'promotions_kind_check',
      sql`(${table.kind} = 'PERCENTAGE' and ${table.basisPoints} between 1 and 10000 and ${table.amountOff} is null)
        or (${table.kind} = 'FIXED' and ${table.amountOff} > 0 and ${table.currency} is not null and ${table.basisPoints} is null)`,
    ),
    check(
      'promotions_minimum_check',
      sql`${table.minimumSubtotal} is null or (${table.minimumSubtotal} >= 0 and ${table.currency} is not null)`,
    ),
    // the last guard against over-redemption, whatever the code above it does
    check(
      'promotions_usage_check',
      sql`${table.timesUsed} >= 0 and (${table.usageLimit} is null or ${table.timesUsed} <= ${table.usageLimit})`,
    ),
  ],
);

/** One row per counted use of a promotion, keyed by the caller's redemption key. */
export const promoRedemptions = pgTable(
  'promo_redemptions',
  {
    redemptionKey: text('redemption_key').primaryKey(),
    code: text('code')
      .notNull()
      .references(() => promotions.code),
    /** set while the use is given back (the order failed); null while it counts */
    releasedAt: timestamp('released_at', { withTimezone: true, mode: 'date' }),
    createdAt: createdAt(),
  },
  (table) => [index('promo_redemptions_code_idx').on(table.code)],
);

export const shippingRates = pgTable(
  'shipping_rates',
  {
    /** ISO 3166-1 alpha-2, or '*' for every country without a row of its own */
    country: text('country').notNull(),
    currency: text('currency').notNull(),
    /** the flat fee in minor units */
    amount: integer('amount').notNull(),
    /** shipping is free from this subtotal after discount on; null: never free */
    freeThreshold: integer('free_threshold'),
  },
  (table) => [
    primaryKey({ columns: [table.country, table.currency] }),
    check(
      'shipping_rates_amount_check',
      sql`${table.amount} >= 0 and (${table.freeThreshold} is null or ${table.freeThreshold} >= 0)`,
    ),
  ],
);

export const taxRates = pgTable(
  'tax_rates',
  {
    /** the shipping country, ISO 3166-1 alpha-2 */
    country: text('country').primaryKey(),
    basisPoints: integer('basis_points').notNull(),
  },
  (table) => [check('tax_rates_basis_points_check', sql`${table.basisPoints} between 0 and 10000`)],
);

export type ProductRow = typeof products.$inferSelect;
export type VariantRow = typeof productVariants.$inferSelect;
export type PromotionRow = typeof promotions.$inferSelect;
export type RedemptionRow = typeof promoRedemptions.$inferSelect;
export type ShippingRateRow = typeof shippingRates.$inferSelect;
export type TaxRateRow = typeof taxRates.$inferSelect;
