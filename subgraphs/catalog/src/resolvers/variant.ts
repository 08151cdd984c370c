import { toMoney } from '@ordergraph/shared';
import type { ProductVariantResolvers } from '../__generated__/resolvers-types.js';
import { normaliseSku } from '../pricing.js';

export const ProductVariant: ProductVariantResolvers = {
  __resolveReference: ({ sku }, { loaders }) => loaders.variantBySku.load(normaliseSku(sku)),

  // every variant row references its product (foreign key)
  product: async (variant, _args, { loaders }) =>
    (await loaders.productById.load(variant.productId))!,
  price: (variant) => toMoney(variant.priceAmount, variant.currency),
};
