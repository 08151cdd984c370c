import { groupLoader, rowLoader } from '@ordergraph/shared';
import type { ReturnsRepository } from './returns.repository.js';

/** The per-request DataLoaders of returns, one repository call per batch. */
export function createReturnLoaders(repository: ReturnsRepository) {
  return {
    returnById: rowLoader(
      (ids: readonly string[]) => repository.findByIds(ids),
      (row) => row.id,
    ),
    returnsByOrderId: groupLoader(
      (ids: readonly string[]) => repository.findByOrderIds(ids),
      (row) => row.orderId,
    ),
    returnLinesByReturnId: groupLoader(
      (ids: readonly string[]) => repository.findLinesByReturnIds(ids),
      (row) => row.returnId,
    ),
  };
}

export type ReturnLoaders = ReturnType<typeof createReturnLoaders>;
