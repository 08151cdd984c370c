import { groupLoader, rowLoader } from '@ordergraph/shared';
import type { InventoryRepository } from './inventory.repository.js';

/** The per-request DataLoaders of the inventory service. */
export function createLoaders(repository: InventoryRepository) {
  return {
    warehouseById: rowLoader(
      (ids: readonly string[]) => repository.findWarehousesByIds(ids),
      (row) => row.id,
    ),
    stockBySku: groupLoader(
      (skus: readonly string[]) => repository.findStockBySkus(skus),
      (row) => row.sku,
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
