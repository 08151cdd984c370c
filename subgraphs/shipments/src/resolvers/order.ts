import type { OrderResolvers } from '../__generated__/resolvers-types.js';
import { canSeeShipment } from '../shipments.js';

export const Order: OrderResolvers = {
  __resolveReference: ({ id }) => ({ id }),

  // for someone else's order this is empty: every shipment carries its customer
  shipments: async (order, _args, { viewer, loaders }) =>
    (await loaders.shipmentsByOrderId.load(order.id)).filter((shipment) =>
      canSeeShipment(viewer, shipment),
    ),
};
