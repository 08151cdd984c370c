import type { Resolvers, WarehouseResolvers } from '../__generated__/resolvers-types.js';
import type { Context } from '../context.js';
import type { WarehouseSuccessResult } from '../warehouses.js';

export const Warehouse: WarehouseResolvers = {
  __resolveReference: ({ id }, { loaders }) => loaders.warehouseById.load(id),

  address: (warehouse) => ({
    line1: warehouse.line1,
    line2: warehouse.line2,
    city: warehouse.city,
    region: warehouse.region,
    postalCode: warehouse.postalCode,
    country: warehouse.country,
  }),
};

// mutation results are stored as ids (see withIdempotency) and resolved on every read
const warehouseOf = async (
  { warehouseId }: WarehouseSuccessResult,
  _args: unknown,
  { loaders }: Context,
) => (await loaders.warehouseById.load(warehouseId))!;

export const WarehouseResults: Pick<
  Resolvers,
  'CreateWarehouseSuccess' | 'UpdateWarehouseSuccess' | 'DeactivateWarehouseSuccess'
> = {
  CreateWarehouseSuccess: { warehouse: warehouseOf },
  UpdateWarehouseSuccess: { warehouse: warehouseOf },
  DeactivateWarehouseSuccess: { warehouse: warehouseOf },
};
