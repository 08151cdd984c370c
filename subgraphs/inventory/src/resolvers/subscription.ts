import { encodeEventCursor, subscribeToStream, type EventLogRow } from '@ordergraph/shared';
import type { SubscriptionResolvers } from '../__generated__/resolvers-types.js';
import type { Context } from '../context.js';

/** the event log stream of a SKU's stock, across warehouses */
const SKU_STREAM = 'sku';

export const Subscription: SubscriptionResolvers = {
  // stock is open to everyone, like ProductVariant.stock: there is nothing to refuse
  stockChanged: {
    subscribe: (_root, { sku, after }, { db, tail }) =>
      subscribeToStream({ tail, db, stream: { streamType: SKU_STREAM, streamId: sku }, after }),
    // each event runs with fresh loaders: the stock is the stock as it stands after the event
    resolve: async (event: EventLogRow, _args: unknown, { loaders }: Context) => {
      // every event of a SKU's stream names the warehouse it happened in
      const warehouseId = String(event.payload['warehouseId']);
      const levels = await loaders.stockBySku.load(event.streamId);
      return {
        cursor: encodeEventCursor(SKU_STREAM, event.seq),
        sku: event.streamId,
        type: event.type,
        occurredAt: event.occurredAt,
        warehouse: (await loaders.warehouseById.load(warehouseId))!,
        stock: levels.find((level) => level.warehouseId === warehouseId) ?? null,
        variant: { sku: event.streamId },
      };
    },
  },
};
