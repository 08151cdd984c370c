import type { BaseContext, Database } from '@ordergraph/shared';
import { createCustomersRepository, type CustomersRepository } from './customers.repository.js';
import { createLoaders, type Loaders } from './loaders.js';
import {
  createNotificationsRepository,
  type NotificationsRepository,
} from './notifications.repository.js';

export interface Context extends BaseContext {
  db: Database;
  customers: CustomersRepository;
  notifications: NotificationsRepository;
  loaders: Loaders;
}

/** Builds the per-request context: repositories and fresh loaders. */
export function createContext({ db, ...base }: BaseContext & { db: Database }): Context {
  const customers = createCustomersRepository({ db });
  const notifications = createNotificationsRepository({ db });
  return {
    ...base,
    db,
    customers,
    notifications,
    loaders: createLoaders(customers, notifications),
  };
}
