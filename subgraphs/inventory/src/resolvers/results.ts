import type { Resolvers } from '../__generated__/resolvers-types.js';

// mutation results are stored as ids (see withIdempotency) and resolved on every read
export const ReceiveStockSuccess: Resolvers['ReceiveStockSuccess'] = {
  stockLevel: async ({ sku, warehouseId }, _args, { loaders }) => {
    const levels = await loaders.stockBySku.load(sku);
    return levels.find((level) => level.warehouseId === warehouseId)!;
  },
};
