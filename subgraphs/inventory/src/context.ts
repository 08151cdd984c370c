import type { BaseContext, Database } from '@ordergraph/shared';
import type { CatalogClient } from './catalog.client.js';
import { createInventoryRepository, type InventoryRepository } from './inventory.repository.js';
import { createLoaders, type Loaders } from './loaders.js';

export interface Context extends BaseContext {
  db: Database;
  inventory: InventoryRepository;
  catalog: CatalogClient;
  loaders: Loaders;
}

/** Builds the per-request context: repository, catalog client and fresh loaders. */
export function createContext({
  db,
  catalog,
  ...base
}: BaseContext & { db: Database; catalog: CatalogClient }): Context {
  const inventory = createInventoryRepository({ db });
  return { ...base, db, inventory, catalog, loaders: createLoaders(inventory) };
}
