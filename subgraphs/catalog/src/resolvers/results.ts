import type { Resolvers } from '../__generated__/resolvers-types.js';

// mutation results are stored as ids (see withIdempotency) and resolved on every read
export const CreateProductSuccess: Resolvers['CreateProductSuccess'] = {
  product: async ({ productId }, _args, { loaders }) =>
    (await loaders.productById.load(productId))!,
};
