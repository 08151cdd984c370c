import type { z } from 'zod';
import {
  appendEvent,
  shipmentsEvents,
  type Actor,
  type Database,
  type EventTypeOf,
  type ShipmentsEvents,
} from '@ordergraph/shared';
import type { ShipmentRow } from './db/schema.js';
import type { ShipmentStatus } from './shipment-status.js';

/** The events of a shipment's steps (the carrier events are the carriers'). */
export type ShipmentStepType = Exclude<EventTypeOf<ShipmentsEvents>, `carrier.${string}`>;

// what every step's payload names, filled in here from the shipment
type Named = 'shipmentId' | 'orderId' | 'customerId' | 'warehouseId' | 'status' | 'previousStatus';

/** What a step's event adds to what every step names, as the shipments contract says. */
export type StepDetails<T extends ShipmentStepType> = Omit<
  z.input<ShipmentsEvents['events'][T]['payload']>,
  Named | 'actor'
>;

/**
 * Appends a shipment's event: `shipment.<status>` for a transition unless `type` says
 * otherwise. Every payload names the shipment, its order, customer and warehouse, and the
 * status before and after (the contract other services code against, see the shared
 * shipments events), and who caused it. Call it last.
 */
export function appendShipmentEvent<T extends ShipmentStepType>(
  tx: Database,
  {
    shipment,
    previousStatus,
    type = `shipment.${shipment.status.toLowerCase()}` as T,
    details,
    actor,
  }: {
    shipment: ShipmentRow;
    actor: Actor;
    previousStatus: ShipmentStatus | null;
    type?: T;
    details: StepDetails<T>;
  },
) {
  return appendEvent(
    tx,
    shipmentsEvents.event({
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
      } as z.input<ShipmentsEvents['events'][T]['payload']>,
    }),
  );
}
