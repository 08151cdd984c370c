import {
  encodeEventCursor,
  forbidden,
  notFound,
  subscribeToStream,
  type EventLogRow,
} from '@ordergraph/shared';
import type { SubscriptionResolvers } from '../__generated__/resolvers-types.js';
import type { Context } from '../context.js';
import { canSeeInternalNotes, isVisibleEvent } from '../lifecycle/notes.js';
import { canSeeOrder } from '../placing/place-order-inputs.js';

/** The events of `source` that pass `keep`; ending the result ends the source. */
function keepOnly(
  source: AsyncIterableIterator<EventLogRow>,
  keep: (event: EventLogRow) => boolean,
): AsyncIterableIterator<EventLogRow> {
  return {
    async next() {
      for (;;) {
        const step = await source.next();
        if (step.done || keep(step.value)) return step;
      }
    },
    return: (value?: unknown) =>
      source.return ? source.return(value) : Promise.resolve({ done: true, value: undefined }),
    throw: (error?: unknown) => (source.throw ? source.throw(error) : Promise.reject(error)),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/** the event log stream of an order: its timeline */
const ORDER_STREAM = 'order';

export const Subscription: SubscriptionResolvers = {
  orderUpdated: {
    // the same rule as Query.order, checked before anything is replayed
    subscribe: async (_root, { orderId, after }, { viewer, loaders, db, tail }) => {
      const order = await loaders.orderById.load(orderId);
      if (!order) throw notFound(`There is no order ${orderId}.`);
      if (!canSeeOrder(viewer, order)) throw forbidden('You may only follow your own orders.');
      const events = await subscribeToStream({
        tail,
        db,
        stream: { streamType: ORDER_STREAM, streamId: orderId },
        after,
      });
      // the same rule as Order.timeline: a customer never receives an INTERNAL note
      return canSeeInternalNotes(viewer)
        ? events
        : keepOnly(events, (event) => isVisibleEvent(viewer, event));
    },
    // each event runs with fresh loaders: `order` is the order as it stands after the event
    resolve: async (event: EventLogRow, _args: unknown, { loaders }: Context) => ({
      cursor: encodeEventCursor(ORDER_STREAM, event.seq),
      event,
      order: (await loaders.orderById.load(event.streamId))!,
    }),
  },
};
