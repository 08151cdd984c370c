import {
  appendEvent,
  catalogEvents,
  badUserInput,
  checkIdempotencyKey,
  type Database,
  transaction,
} from '@ordergraph/shared';
import {
  normalisePromoCode,
  promoCodeRejected,
  windowRejection,
  type InvalidPromoCode,
  type PromoCodeRejection,
} from './promotions.js';
import { createPricingRepository } from './pricing.repository.js';
import type { PromotionRow } from './db/schema.js';

export interface RedeemedPromoCode {
  __typename: 'RedeemPromoCodeSuccess';
  code: string;
}

// thrown inside the transaction so that the claimed key is rolled back with it
class Refused extends Error {
  constructor(
    readonly rejection: PromoCodeRejection,
    readonly promotion: PromotionRow,
  ) {
    super(rejection);
  }
}

function checkRedemptionKey(redemptionKey: string): void {
  if (checkIdempotencyKey(redemptionKey)) {
    throw badUserInput('redemptionKey must be 1 to 200 printable characters.', 'redemptionKey');
  }
}

/**
 * Counts one use of a promo code for `redemptionKey`. The same key again returns success and
 * counts nothing more; a key whose use was released counts again. The validity window and the
 * usage limit are checked; the basket (minimum, currency) was checked when it was quoted.
 */
export async function redeemPromoCode(
  db: Database,
  {
    code: given,
    redemptionKey,
    now = new Date(),
  }: { code: string; redemptionKey: string; now?: Date },
): Promise<RedeemedPromoCode | InvalidPromoCode> {
  checkRedemptionKey(redemptionKey);
  const code = normalisePromoCode(given);
  try {
    return await transaction(db, async (tx) => {
      const pricing = createPricingRepository({ db: tx });
      const promotion = await pricing.findPromotion(code);
      if (!promotion) return promoCodeRejected({ given, rejection: 'UNKNOWN' });
      if (!(await pricing.claimRedemption({ redemptionKey, code }))) {
        const existing = await pricing.findRedemption(redemptionKey);
        if (existing && existing.code !== code) {
          throw badUserInput(
            `This redemptionKey was already used for the promo code ${existing.code}.`,
            'redemptionKey',
          );
        }
        if (existing && existing.releasedAt === null)
          return { __typename: 'RedeemPromoCodeSuccess', code };
        await pricing.reactivateRedemption(redemptionKey);
      }
      const window = windowRejection(promotion, now);
      if (window) throw new Refused(window, promotion);
      if (!(await pricing.countUse(code))) throw new Refused('USAGE_LIMIT_REACHED', promotion);
      await appendEvent(
        tx,
        catalogEvents.event({
          streamType: 'promotion',
          streamId: code,
          type: 'promo.redeemed',
          payload: { code, redemptionKey },
        }),
      );
      return { __typename: 'RedeemPromoCodeSuccess', code };
    });
  } catch (error) {
    if (error instanceof Refused) {
      return promoCodeRejected({ given, rejection: error.rejection, promotion: error.promotion });
    }
    throw error;
  }
}

/** Gives back the use counted for `redemptionKey`, once; an unknown or released key is a no-op. */
export async function releasePromoCode(
  db: Database,
  { redemptionKey }: { redemptionKey: string },
): Promise<true> {
  checkRedemptionKey(redemptionKey);
  await transaction(db, async (tx) => {
    const pricing = createPricingRepository({ db: tx });
    const code = await pricing.releaseRedemption(redemptionKey);
    if (code === null) return;
    await pricing.giveBackUse(code);
    await appendEvent(
      tx,
      catalogEvents.event({
        streamType: 'promotion',
        streamId: code,
        type: 'promo.released',
        payload: { code, redemptionKey },
      }),
    );
  });
  return true;
}
