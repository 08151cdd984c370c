import { eventFeedResolver, forbidden } from '@ordergraph/shared';
import type { QueryResolvers } from '../__generated__/resolvers-types.js';
import { canSeeOrder } from '../placing/place-order-inputs.js';

export const Query: QueryResolvers = {
  order: async (_parent, { id }, { viewer, loaders }) => {
    const order = await loaders.orderById.load(id);
    if (!order) return null;
    if (!canSeeOrder(viewer, order)) throw forbidden('You may only see your own orders.');
    return order;
  },

  ordersEventLog: (parent, args, context) => eventFeedResolver(context.feed)(parent, args, context),
};
