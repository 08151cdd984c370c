import type { BaseContext, Database, EventFeed, EventTail } from '@ordergraph/shared';
import type { CatalogClient } from './clients/catalog.js';
import { createInventoryRepository, type InventoryRepository } from './inventory.repository.js';
import { createLedgerRepository, type LedgerRepository } from './ledger.repository.js';
import { createLoaders, type Loaders } from './loaders.js';
import {
  createPurchaseOrdersRepository,
  type PurchaseOrdersRepository,
} from './purchasing/purchase-orders.repository.js';
import {
  createReplenishmentRepository,
  type ReplenishmentRepository,
} from './purchasing/replenishment.repository.js';
import {
  createSuppliersRepository,
  type SuppliersRepository,
} from './purchasing/suppliers.repository.js';

export interface Context extends BaseContext {
  db: Database;
  inventory: InventoryRepository;
  ledger: LedgerRepository;
  catalog: CatalogClient;
  suppliers: SuppliersRepository;
  purchaseOrders: PurchaseOrdersRepository;
  replenishment: ReplenishmentRepository;
  /** how far above the ordered units a purchase order line may be received, in percent */
  overReceiptTolerancePercent: number;
  loaders: Loaders;
  /** this service's event log as other services read it */
  feed: EventFeed;
  /** this process's reader of new events, which feeds subscriptions */
  tail: EventTail;
}

/** Builds the per-request context: repositories, catalog client, event log and fresh loaders. */
export function createContext({
  db,
  catalog,
  feed,
  tail,
  overReceiptTolerancePercent,
  ...base
}: BaseContext & {
  db: Database;
  catalog: CatalogClient;
  feed: EventFeed;
  tail: EventTail;
  overReceiptTolerancePercent: number;
}): Context {
  const inventory = createInventoryRepository({ db });
  const ledger = createLedgerRepository({ db });
  const suppliers = createSuppliersRepository({ db });
  const purchaseOrders = createPurchaseOrdersRepository({ db });
  const replenishment = createReplenishmentRepository({ db });
  return {
    ...base,
    db,
    inventory,
    ledger,
    catalog,
    feed,
    tail,
    suppliers,
    purchaseOrders,
    replenishment,
    overReceiptTolerancePercent,
    loaders: createLoaders({ inventory, ledger, suppliers, purchaseOrders, replenishment }),
  };
}
