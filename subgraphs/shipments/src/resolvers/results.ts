import type { Resolvers } from '../__generated__/resolvers-types.js';

// mutation results are stored as ids (see withIdempotency) and resolved on every read
export const ShipmentSuccess: Resolvers['ShipmentSuccess'] = {
  shipment: async ({ shipmentId }, _args, { loaders }) =>
    (await loaders.shipmentById.load(shipmentId))!,
};
