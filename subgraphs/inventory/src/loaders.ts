import { groupLoader, rowLoader } from '@ordergraph/shared';
import type { InventoryRepository } from './inventory.repository.js';
import type { LedgerRepository } from './ledger.repository.js';

/** The per-request DataLoaders of the inventory service. */
export function createLoaders({
  inventory,
  ledger,
}: {
  inventory: InventoryRepository;
  ledger: LedgerRepository;
}) {
  return {
    warehouseById: rowLoader(
      (ids: readonly string[]) => inventory.findWarehousesByIds(ids),
      (row) => row.id,
    ),
    stockBySku: groupLoader(
      (skus: readonly string[]) => inventory.findStockBySkus(skus),
      (row) => row.sku,
    ),
    movementById: rowLoader(
      (ids: readonly number[]) => ledger.findMovementsByIds(ids),
      (row) => row.id,
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
