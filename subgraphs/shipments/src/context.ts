import type { BaseContext, Database } from '@ordergraph/shared';
import { createLoaders, type Loaders } from './loaders.js';
import { createShipmentsRepository, type ShipmentsRepository } from './shipments.repository.js';

export interface Context extends BaseContext {
  db: Database;
  shipments: ShipmentsRepository;
  loaders: Loaders;
}

/** Builds the per-request context: repository and fresh loaders. */
export function createContext({ db, ...base }: BaseContext & { db: Database }): Context {
  const shipments = createShipmentsRepository({ db });
  return { ...base, db, shipments, loaders: createLoaders(shipments) };
}
