import { canActForCustomer } from '@ordergraph/shared';
import type { CustomerResolvers } from '../__generated__/resolvers-types.js';

export const Customer: CustomerResolvers = {
  // other services reach customers only through orders the viewer may see; this check is the
  // last line: a reference to someone else's record resolves to nothing
  __resolveReference: async ({ id }, { viewer, loaders }) =>
    canActForCustomer(viewer, id) ? loaders.customerById.load(id) : null,

  addresses: (customer, _args, { loaders }) => loaders.addressesByCustomerId.load(customer.id),
};
