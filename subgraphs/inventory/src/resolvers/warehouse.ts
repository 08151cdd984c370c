import type { WarehouseResolvers } from '../__generated__/resolvers-types.js';

export const Warehouse: WarehouseResolvers = {
  __resolveReference: ({ id }, { loaders }) => loaders.warehouseById.load(id),
};
