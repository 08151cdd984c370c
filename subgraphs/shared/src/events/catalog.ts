import { z } from 'zod';
import { defineEventContract, versioned } from './contract.js';

const redemption = z.object({ code: z.string().min(1), redemptionKey: z.string().min(1) });

/** The events of the catalog's log (`catalogEventLog`), by type. */
export const catalogEvents = defineEventContract('catalog', {
  'product.created': versioned(
    1,
    z.object({ productId: z.string().min(1), skus: z.array(z.string().min(1)) }),
  ),
  'promo.redeemed': versioned(1, redemption),
  'promo.released': versioned(1, redemption),
});

export type CatalogEvents = typeof catalogEvents;
