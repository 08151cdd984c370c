import type { StockLevelResolvers } from '../__generated__/resolvers-types.js';

export const StockLevel: StockLevelResolvers = {
  // stock rows reference their warehouse by foreign key, so it is always there
  warehouse: async ({ warehouseId }, _args, { loaders }) =>
    (await loaders.warehouseById.load(warehouseId))!,

  available: ({ onHand, reserved }) => onHand - reserved,
};
