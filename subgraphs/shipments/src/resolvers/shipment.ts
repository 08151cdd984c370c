import type { ShipmentResolvers } from '../__generated__/resolvers-types.js';
import { allowedActions } from '../shipment-actions.js';
import { trackingUrlFor, visibleShipment } from '../shipments.js';

export const Shipment: ShipmentResolvers = {
  // the router may hold a reference to a shipment the viewer may not see: it resolves to nothing
  __resolveReference: async ({ id }, { viewer, loaders }) =>
    visibleShipment(viewer, await loaders.shipmentById.load(id)),

  order: (shipment) => ({ id: shipment.orderId }),
  warehouse: (shipment) => ({ id: shipment.warehouseId }),
  lines: (shipment, _args, { loaders }) => loaders.linesByShipmentId.load(shipment.id),
  events: (shipment, _args, { loaders }) => loaders.eventsByShipmentId.load(shipment.id),
  carrier: (shipment, _args, { loaders }) =>
    shipment.carrierCode ? loaders.carrierByCode.load(shipment.carrierCode) : null,
  // from the carrier's template as it is now, so a changed tracking page reaches every parcel
  trackingUrl: async (shipment, _args, { loaders }) => {
    if (!shipment.carrierCode || !shipment.trackingNumber) return shipment.trackingUrl;
    const carrier = await loaders.carrierByCode.load(shipment.carrierCode);
    return carrier
      ? trackingUrlFor(carrier.trackingUrlTemplate, shipment.trackingNumber)
      : shipment.trackingUrl;
  },

  allowedActions: async (shipment, _args, { viewer, loaders }) =>
    allowedActions({
      viewer,
      shipment,
      orderShipments: await loaders.shipmentsByOrderId.load(shipment.orderId),
    }),
};
