import { forbidden, hasRole } from '@ordergraph/shared';
import type { StockLevelResolvers } from '../__generated__/resolvers-types.js';
import { availableOf, DEFAULT_LOW_STOCK_THRESHOLD, isLow } from '../ledger.js';
import { replenishmentKey } from '../purchasing/loaders.js';

export const StockLevel: StockLevelResolvers = {
  // stock rows reference their warehouse by foreign key, so it is always there
  warehouse: async ({ warehouseId }, _args, { loaders }) =>
    (await loaders.warehouseById.load(warehouseId))!,

  available: (level) => availableOf(level),

  lowStockThreshold: ({ lowStockThreshold }) => lowStockThreshold ?? DEFAULT_LOW_STOCK_THRESHOLD,

  isLow: (level) =>
    isLow(availableOf(level), level.lowStockThreshold ?? DEFAULT_LOW_STOCK_THRESHOLD),

  // where a low stock level leads: what to reorder (buying is staff's, like the suggestions)
  replenishment: ({ sku, warehouseId }, _args, { viewer, loaders }) => {
    if (!hasRole(viewer, 'staff', 'admin')) {
      throw forbidden('Only staff may read replenishment suggestions.');
    }
    return loaders.replenishment.load(replenishmentKey(warehouseId, sku));
  },
};
