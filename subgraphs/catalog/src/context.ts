import type { BaseContext, Database } from '@ordergraph/shared';
import { createCatalogRepository, type CatalogRepository } from './catalog.repository.js';
import { createLoaders, type Loaders } from './loaders.js';
import { createPricingRepository, type PricingRepository } from './pricing.repository.js';

export interface Context extends BaseContext {
  db: Database;
  catalog: CatalogRepository;
  pricing: PricingRepository;
  loaders: Loaders;
}

/** Builds the per-request context: repositories and fresh loaders. */
export function createContext({ db, ...base }: BaseContext & { db: Database }): Context {
  const catalog = createCatalogRepository({ db });
  return {
    ...base,
    db,
    catalog,
    pricing: createPricingRepository({ db }),
    loaders: createLoaders(catalog),
  };
}
