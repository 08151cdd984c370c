import { groupLoader } from '@ordergraph/shared';
import type { LifecycleRepository } from './lifecycle.repository.js';

/** The per-request DataLoaders of the order's life after placement, one repository call per batch. */
export function createLifecycleLoaders(repository: LifecycleRepository) {
  return {
    capturesByOrderId: groupLoader(
      (ids: readonly string[]) => repository.findCapturesByOrderIds(ids),
      (row) => row.orderId,
    ),
    shipmentsByOrderId: groupLoader(
      (ids: readonly string[]) => repository.findShipmentsByOrderIds(ids),
      (row) => row.orderId,
    ),
  };
}

export type LifecycleLoaders = ReturnType<typeof createLifecycleLoaders>;
