import type { ProductResolvers } from '../__generated__/resolvers-types.js';

export const Product: ProductResolvers = {
  __resolveReference: ({ id }, { loaders }) => loaders.productById.load(id),

  variants: (product, _args, { loaders }) => loaders.variantsByProductId.load(product.id),
};
