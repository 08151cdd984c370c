import { toMoney } from '@ordergraph/shared';

/*
 * Promotion rules: a promo code gives a percentage (basis points) or a fixed amount off the
 * subtotal, optionally from a minimum subtotal, within a validity window (start inclusive, end
 * exclusive) and up to a usage limit. Codes are stored upper-case and matched case-insensitively.
 */

export type PromoCodeRejection =
  | 'UNKNOWN'
  | 'NOT_YET_VALID'
  | 'EXPIRED'
  | 'MINIMUM_NOT_MET'
  | 'USAGE_LIMIT_REACHED'
  | 'CURRENCY_MISMATCH';

export interface InvalidPromoCode {
  __typename: 'InvalidPromoCodeError';
  message: string;
  code: string;
  rejection: PromoCodeRejection;
}

export interface Promotion {
  code: string;
  kind: 'PERCENTAGE' | 'FIXED';
  basisPoints: number | null;
  amountOff: number | null;
  currency: string | null;
  minimumSubtotal: number | null;
  startsAt: Date | null;
  endsAt: Date | null;
  usageLimit: number | null;
  timesUsed: number;
}

export const normalisePromoCode = (code: string) => code.trim().toUpperCase();

/** Why a promotion cannot be used at `now` because of its validity window, or null. */
export function windowRejection(
  promotion: Pick<Promotion, 'startsAt' | 'endsAt'>,
  now: Date,
): 'NOT_YET_VALID' | 'EXPIRED' | null {
  if (promotion.startsAt && now < promotion.startsAt) return 'NOT_YET_VALID';
  if (promotion.endsAt && now >= promotion.endsAt) return 'EXPIRED';
  return null;
}

/** The error for a refused code: `given` is the code as the caller wrote it. */
export function promoCodeRejected({
  given,
  rejection,
  promotion,
}: {
  given: string;
  rejection: PromoCodeRejection;
  promotion?: Promotion | null;
}): InvalidPromoCode {
  const code = promotion?.code ?? normalisePromoCode(given);
  const messages: Record<PromoCodeRejection, () => string> = {
    UNKNOWN: () => `No promotion has the code ${code}.`,
    NOT_YET_VALID: () => `The promotion ${code} starts at ${promotion?.startsAt?.toISOString()}.`,
    EXPIRED: () => `The promotion ${code} ended at ${promotion?.endsAt?.toISOString()}.`,
    MINIMUM_NOT_MET: () => {
      if (promotion?.minimumSubtotal == null || !promotion.currency)
        return `The basket is below the minimum of the promotion ${code}.`;
      const minimum = toMoney(promotion.minimumSubtotal, promotion.currency);
      return `The promotion ${code} needs a subtotal of at least ${minimum.amount} ${minimum.currencyCode}.`;
    },
    USAGE_LIMIT_REACHED: () => `The promotion ${code} has been used as often as it may be.`,
    CURRENCY_MISMATCH: () =>
      `The promotion ${code} applies only to baskets in ${promotion?.currency ?? 'another currency'}.`,
  };
  return {
    __typename: 'InvalidPromoCodeError',
    message: messages[rejection](),
    code: given,
    rejection,
  };
}

/**
 * Why a promotion cannot be used for a basket, or null when it can. Checked in this order:
 * unknown, window, usage limit, currency, minimum.
 */
export function rejectionOf({
  promotion,
  subtotal,
  currency,
  now,
}: {
  promotion: Promotion | null;
  subtotal: number;
  currency: string;
  now: Date;
}): PromoCodeRejection | null {
  if (!promotion) return 'UNKNOWN';
  const window = windowRejection(promotion, now);
  if (window) return window;
  if (promotion.usageLimit !== null && promotion.timesUsed >= promotion.usageLimit) {
    return 'USAGE_LIMIT_REACHED';
  }
  if (promotion.currency !== null && promotion.currency !== currency) return 'CURRENCY_MISMATCH';
  if (promotion.minimumSubtotal !== null && subtotal < promotion.minimumSubtotal) {
    return 'MINIMUM_NOT_MET';
  }
  return null;
}
