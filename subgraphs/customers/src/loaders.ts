import { groupLoader, rowLoader } from '@ordergraph/shared';
import type { CustomersRepository } from './customers.repository.js';

/** The per-request DataLoaders of the customers service. */
export function createLoaders(repository: CustomersRepository) {
  return {
    customerById: rowLoader(
      (ids: readonly string[]) => repository.findByIds(ids),
      (row) => row.id,
    ),
    addressesByCustomerId: groupLoader(
      (ids: readonly string[]) => repository.findAddressesByCustomerIds(ids),
      (row) => row.customerId,
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
