import type { ShipmentLineResolvers } from '../__generated__/resolvers-types.js';

export const ShipmentLine: ShipmentLineResolvers = {
  variant: (line) => ({ sku: line.sku }),
};
