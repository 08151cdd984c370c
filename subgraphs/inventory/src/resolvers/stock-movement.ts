import type { StockMovementResolvers } from '../__generated__/resolvers-types.js';

export const StockMovement: StockMovementResolvers = {
  id: ({ id }) => String(id),

  warehouse: async ({ warehouseId }, _args, { loaders }) =>
    (await loaders.warehouseById.load(warehouseId))!,
};
