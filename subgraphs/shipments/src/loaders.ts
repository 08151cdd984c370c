import { groupLoader, rowLoader } from '@ordergraph/shared';
import type { ShipmentsRepository } from './shipments.repository.js';

/** The per-request DataLoaders of the shipments service. */
export function createLoaders(repository: ShipmentsRepository) {
  return {
    shipmentById: rowLoader(
      (ids: readonly string[]) => repository.findByIds(ids),
      (row) => row.id,
    ),
    shipmentsByOrderId: groupLoader(
      (ids: readonly string[]) => repository.findByOrderIds(ids),
      (row) => row.orderId,
    ),
    linesByShipmentId: groupLoader(
      (ids: readonly string[]) => repository.findLinesByShipmentIds(ids),
      (row) => row.shipmentId,
    ),
    eventsByShipmentId: groupLoader(
      (ids: readonly string[]) => repository.findEventsByShipmentIds(ids),
      (row) => row.shipmentId,
    ),
    carrierByCode: rowLoader(
      (codes: readonly string[]) => repository.findCarriersByCodes(codes),
      (row) => row.code,
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
