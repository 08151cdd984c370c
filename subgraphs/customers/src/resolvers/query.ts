import {
  canActForCustomer,
  customerIdOf,
  forbidden,
  isPrivileged,
  pageArgs,
  toConnection,
} from '@ordergraph/shared';
import type { QueryResolvers } from '../__generated__/resolvers-types.js';
import type { CustomerCursor } from '../customers.repository.js';

export const Query: QueryResolvers = {
  me: (_parent, _args, { viewer, loaders }) => {
    const id = customerIdOf(viewer);
    return id ? loaders.customerById.load(id) : null;
  },

  customer: (_parent, { id }, { viewer, loaders }) => {
    if (!canActForCustomer(viewer, id))
      throw forbidden('You may only see your own customer record.');
    return loaders.customerById.load(id);
  },

  customers: async (_parent, args, { viewer, customers }) => {
    if (!isPrivileged(viewer)) throw forbidden('Only staff may list customers.');
    const { limit, after } = pageArgs<CustomerCursor>(args);
    const rows = await customers.list({ limit: limit + 1, after, search: args.search });
    return toConnection(rows, {
      limit,
      cursorOf: (row) => ({ createdAt: row.createdAt.toISOString(), id: row.id }),
    });
  },
};
