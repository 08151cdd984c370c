import {
  encodeEventCursor,
  forbidden,
  notFound,
  subscribeToStream,
  type EventLogRow,
} from '@ordergraph/shared';
import type { SubscriptionResolvers } from '../__generated__/resolvers-types.js';
import type { Context } from '../context.js';
import { canSeeOrder } from '../orders.js';

/** the event log stream of an order: its timeline */
const ORDER_STREAM = 'order';

export const Subscription: SubscriptionResolvers = {
  orderUpdated: {
    // the same rule as Query.order, checked before anything is replayed
    subscribe: async (_root, { orderId, after }, { viewer, loaders, db, tail }) => {
      const order = await loaders.orderById.load(orderId);
      if (!order) throw notFound(`There is no order ${orderId}.`);
      if (!canSeeOrder(viewer, order)) throw forbidden('You may only follow your own orders.');
      return subscribeToStream({
        tail,
        db,
        stream: { streamType: ORDER_STREAM, streamId: orderId },
        after,
      });
    },
    // each event runs with fresh loaders: `order` is the order as it stands after the event
    resolve: async (event: EventLogRow, _args: unknown, { loaders }: Context) => ({
      cursor: encodeEventCursor(ORDER_STREAM, event.seq),
      event,
      order: (await loaders.orderById.load(event.streamId))!,
    }),
  },
};
