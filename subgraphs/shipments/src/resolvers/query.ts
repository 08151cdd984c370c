import { eventFeedResolver, forbidden, type EventFeed, type Viewer } from '@ordergraph/shared';
import type { QueryResolvers } from '../__generated__/resolvers-types.js';
import type { ShipmentRow } from '../db/schema.js';
import { normaliseCarrierCode } from '../shipment-inputs.js';
import { canSeeShipment } from '../shipments.js';
import { normaliseTrackingNumber } from '../tracking.js';

// asking by id (or tracking number) for someone else's shipment is an error, not a silent null
function visibleOrForbidden(viewer: Viewer, shipment: ShipmentRow | null): ShipmentRow | null {
  if (shipment && !canSeeShipment(viewer, shipment))
    throw forbidden('You may only see your own shipments.');
  return shipment;
}

export const createQuery = ({ feed }: { feed: EventFeed }): QueryResolvers => ({
  shipment: async (_parent, { id }, { viewer, loaders }) =>
    visibleOrForbidden(viewer, await loaders.shipmentById.load(id)),

  carriers: (_parent, { active }, { shipments }) => shipments.listCarriers({ active }),

  shipmentByTracking: async (_parent, args, { viewer, shipments, loaders }) => {
    const shipment = await shipments.findByTracking({
      carrierCode: normaliseCarrierCode(args.carrierCode),
      trackingNumber: normaliseTrackingNumber(args.trackingNumber),
    });
    if (shipment) loaders.shipmentById.prime(shipment.id, shipment);
    return visibleOrForbidden(viewer, shipment);
  },

  shipmentsEventLog: eventFeedResolver(feed),
});
