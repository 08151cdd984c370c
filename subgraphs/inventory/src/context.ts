import type { BaseContext, Database, EventFeed, EventTail } from '@ordergraph/shared';
import type { CatalogClient } from './catalog.client.js';
import { createInventoryRepository, type InventoryRepository } from './inventory.repository.js';
import { createLedgerRepository, type LedgerRepository } from './ledger.repository.js';
import { createLoaders, type Loaders } from './loaders.js';

export interface Context extends BaseContext {
  db: Database;
  inventory: InventoryRepository;
  ledger: LedgerRepository;
  catalog: CatalogClient;
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
  ...base
}: BaseContext & {
  db: Database;
  catalog: CatalogClient;
  feed: EventFeed;
  tail: EventTail;
}): Context {
  const inventory = createInventoryRepository({ db });
  const ledger = createLedgerRepository({ db });
  return {
    ...base,
    db,
    inventory,
    ledger,
    catalog,
    feed,
    tail,
    loaders: createLoaders({ inventory, ledger }),
  };
}
