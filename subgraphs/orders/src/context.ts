import type { BaseContext, Database } from '@ordergraph/shared';
import { createLoaders, type Loaders } from './loaders.js';
import { createOrdersRepository, type OrdersRepository } from './orders.repository.js';
import type { OrderPlacement } from './place-order.js';

export interface Context extends BaseContext {
  db: Database;
  orders: OrdersRepository;
  loaders: Loaders;
  placement: OrderPlacement;
}

/** Builds the per-request context: repository and fresh loaders. */
export function createContext({
  db,
  placement,
  ...base
}: BaseContext & { db: Database; placement: OrderPlacement }): Context {
  const orders = createOrdersRepository({ db });
  return { ...base, db, orders, placement, loaders: createLoaders(orders) };
}
