import type { ProductVariantResolvers } from '../__generated__/resolvers-types.js';

export const ProductVariant: ProductVariantResolvers = {
  // the catalog owns variants; stock is looked up per field, batched over all SKUs of a request
  __resolveReference: ({ sku }) => ({ sku }),

  stock: ({ sku }, _args, { loaders }) => loaders.stockBySku.load(sku),

  available: async ({ sku }, _args, { loaders }) => {
    const levels = await loaders.stockBySku.load(sku);
    // what can be sold: an inactive warehouse's units are not allocated
    return levels
      .filter((level) => level.warehouseActive)
      .reduce((sum, level) => sum + level.onHand - level.reserved, 0);
  },
};
