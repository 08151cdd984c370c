import { and, count, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { Database } from '@ordergraph/shared';
import {
  promoRedemptions,
  promotions,
  shippingRates,
  taxRates,
  type PromotionRow,
  type RedemptionRow,
  type ShippingRateRow,
} from './db/schema.js';
import { anyOf } from '@ordergraph/shared';

/** The pricing tables' SQL (promotions, redemptions, shipping and tax rates) over `db`. */
export function createPricingRepository({ db }: { db: Database }) {
  return {
    /** `code` is matched as stored: callers upper-case it */
    async findPromotion(code: string): Promise<PromotionRow | null> {
      const [row] = await db.select().from(promotions).where(eq(promotions.code, code));
      return row ?? null;
    },

    /** the rates of these countries ('*' for the default), in every currency */
    async findShippingRates(countries: readonly string[]): Promise<ShippingRateRow[]> {
      return db
        .select()
        .from(shippingRates)
        .where(anyOf(shippingRates.country, [...countries]));
    },

    async findTaxBasisPoints(country: string): Promise<number | null> {
      const [row] = await db.select().from(taxRates).where(eq(taxRates.country, country));
      return row?.basisPoints ?? null;
    },

    async insertPromotion(values: typeof promotions.$inferInsert): Promise<PromotionRow> {
      const [row] = await db
        .insert(promotions)
        .values({ ...values, code: values.code.toUpperCase() })
        .returning();
      return row!;
    },

    async saveShippingRate(values: typeof shippingRates.$inferInsert): Promise<void> {
      await db
        .insert(shippingRates)
        .values(values)
        .onConflictDoUpdate({
          target: [shippingRates.country, shippingRates.currency],
          set: { amount: values.amount, freeThreshold: values.freeThreshold ?? null },
        });
    },

    async saveTaxRate(values: typeof taxRates.$inferInsert): Promise<void> {
      await db
        .insert(taxRates)
        .values(values)
        .onConflictDoUpdate({ target: taxRates.country, set: { basisPoints: values.basisPoints } });
    },

    /**
     * Inserts the redemption row unless the key has one; true when this call inserted it.
     * A concurrent call with the same key waits here until the first one's transaction ends.
     */
    async claimRedemption({
      redemptionKey,
      code,
    }: {
      redemptionKey: string;
      code: string;
    }): Promise<boolean> {
      const claimed = await db
        .insert(promoRedemptions)
        .values({ redemptionKey, code })
        .onConflictDoNothing()
        .returning({ redemptionKey: promoRedemptions.redemptionKey });
      return claimed.length > 0;
    },

    async findRedemption(redemptionKey: string): Promise<RedemptionRow | null> {
      const [row] = await db
        .select()
        .from(promoRedemptions)
        .where(eq(promoRedemptions.redemptionKey, redemptionKey))
        .for('update');
      return row ?? null;
    },

    /**
     * Counts one use unless the limit is reached, in one conditional UPDATE: concurrent
     * callers queue on the row and each re-checks the limit, so uses never exceed it.
     */
    async countUse(code: string): Promise<boolean> {
      const counted = await db
        .update(promotions)
        .set({ timesUsed: sql`${promotions.timesUsed} + 1` })
        .where(
          and(
            eq(promotions.code, code),
            or(isNull(promotions.usageLimit), lt(promotions.timesUsed, promotions.usageLimit)),
          ),
        )
        .returning({ code: promotions.code });
      return counted.length > 0;
    },

    async reactivateRedemption(redemptionKey: string): Promise<void> {
      await db
        .update(promoRedemptions)
        .set({ releasedAt: null })
        .where(eq(promoRedemptions.redemptionKey, redemptionKey));
    },

    /** marks a counted redemption released; the code when this call did it, else null */
    async releaseRedemption(redemptionKey: string): Promise<string | null> {
      const [row] = await db
        .update(promoRedemptions)
        .set({ releasedAt: new Date() })
        .where(
          and(
            eq(promoRedemptions.redemptionKey, redemptionKey),
            isNull(promoRedemptions.releasedAt),
          ),
        )
        .returning({ code: promoRedemptions.code });
      return row?.code ?? null;
    },

    async giveBackUse(code: string): Promise<void> {
      await db
        .update(promotions)
        .set({ timesUsed: sql`${promotions.timesUsed} - 1` })
        .where(and(eq(promotions.code, code), sql`${promotions.timesUsed} > 0`));
    },

    /** how many redemptions of a code count now (released ones do not) */
    async countActiveRedemptions(code: string): Promise<number> {
      const [row] = await db
        .select({ n: count() })
        .from(promoRedemptions)
        .where(and(eq(promoRedemptions.code, code), isNull(promoRedemptions.releasedAt)));
      return row?.n ?? 0;
    },
  };
}

export type PricingRepository = ReturnType<typeof createPricingRepository>;
