import type { Resolvers } from '../__generated__/resolvers-types.js';
import type { Loaders } from '../loaders.js';

const levelIn = async (loaders: Loaders, sku: string, warehouseId: string) =>
  (await loaders.stockBySku.load(sku)).find((level) => level.warehouseId === warehouseId) ?? null;

// mutation results are stored as ids (see withIdempotency) and resolved on every read
export const ReceiveStockSuccess: Resolvers['ReceiveStockSuccess'] = {
  stockLevel: async ({ sku, warehouseId }, _args, { loaders }) =>
    (await levelIn(loaders, sku, warehouseId))!,
};

export const AdjustStockSuccess: Resolvers['AdjustStockSuccess'] = {
  stockLevel: async ({ sku, warehouseId }, _args, { loaders }) =>
    (await levelIn(loaders, sku, warehouseId))!,

  movement: async ({ movementId }, _args, { loaders }) =>
    (await loaders.movementById.load(movementId))!,
};

export const SetLowStockThresholdSuccess: Resolvers['SetLowStockThresholdSuccess'] = {
  warehouse: async ({ warehouseId }, _args, { loaders }) =>
    (await loaders.warehouseById.load(warehouseId))!,

  stockLevel: ({ sku, warehouseId }, _args, { loaders }) => levelIn(loaders, sku, warehouseId),
};
