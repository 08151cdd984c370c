import { appendEvent, type Actor, type Database } from '@ordergraph/shared';
import type { ShipmentRow } from './db/schema.js';
import type { ShipmentStatus } from './shipment-status.js';

/**
 * Appends a shipment's event: `shipment.<status>` for a transition unless `type` says
 * otherwise. Every payload names the shipment, its order, customer and warehouse, and the
 * status before and after (the contract other services code against), and who caused it.
 * Call it last.
 */
export function appendShipmentEvent(
  tx: Database,
  {
    shipment,
    previousStatus,
    type = `shipment.${shipment.status.toLowerCase()}`,
    details = {},
    actor,
  }: {
    shipment: ShipmentRow;
    actor: Actor;
    previousStatus: ShipmentStatus | null;
    type?: string;
    details?: Record<string, unknown>;
  },
) {
  return appendEvent(tx, {
    streamType: 'shipment',
    streamId: shipment.id,
    type,
    payload: {
      shipmentId: shipment.id,
      orderId: shipment.orderId,
      customerId: shipment.customerId,
      warehouseId: shipment.warehouseId,
      status: shipment.status,
      previousStatus,
      ...details,
      actor,
    },
  });
}
