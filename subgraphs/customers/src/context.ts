import type { BaseContext, Database } from '@ordergraph/shared';
import { createCustomersRepository, type CustomersRepository } from './customers.repository.js';
import { createLoaders, type Loaders } from './loaders.js';

export interface Context extends BaseContext {
  db: Database;
  customers: CustomersRepository;
  loaders: Loaders;
}

/** Builds the per-request context: repository and fresh loaders. */
export function createContext({ db, ...base }: BaseContext & { db: Database }): Context {
  const customers = createCustomersRepository({ db });
  return { ...base, db, customers, loaders: createLoaders(customers) };
}
