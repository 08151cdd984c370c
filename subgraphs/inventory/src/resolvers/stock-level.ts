import type { StockLevelResolvers } from '../__generated__/resolvers-types.js';
import { availableOf, DEFAULT_LOW_STOCK_THRESHOLD, isLow } from '../ledger.js';

export const StockLevel: StockLevelResolvers = {
  // stock rows reference their warehouse by foreign key, so it is always there
  warehouse: async ({ warehouseId }, _args, { loaders }) =>
    (await loaders.warehouseById.load(warehouseId))!,

  available: (level) => availableOf(level),

  lowStockThreshold: ({ lowStockThreshold }) => lowStockThreshold ?? DEFAULT_LOW_STOCK_THRESHOLD,

  isLow: (level) =>
    isLow(availableOf(level), level.lowStockThreshold ?? DEFAULT_LOW_STOCK_THRESHOLD),
};
