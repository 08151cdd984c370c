import { groupLoader, rowLoader } from '@ordergraph/shared';
import type { InventoryRepository } from './inventory.repository.js';
import type { LedgerRepository } from './ledger.repository.js';
import { createPurchasingLoaders } from './purchasing/loaders.js';
import type { PurchaseOrdersRepository } from './purchasing/purchase-orders.repository.js';
import type { ReplenishmentRepository } from './purchasing/replenishment.repository.js';
import type { SuppliersRepository } from './purchasing/suppliers.repository.js';

/** The per-request DataLoaders of the inventory service. */
export function createLoaders({
  inventory,
  ledger,
  ...purchasing
}: {
  inventory: InventoryRepository;
  ledger: LedgerRepository;
  suppliers: SuppliersRepository;
  purchaseOrders: PurchaseOrdersRepository;
  replenishment: ReplenishmentRepository;
}) {
  return {
    ...createPurchasingLoaders(purchasing),
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
