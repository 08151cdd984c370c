import {
  badUserInput,
  eventFeedResolver,
  forbidden,
  hasRole,
  pageArgs,
  toConnection,
} from '@ordergraph/shared';
import type { QueryResolvers } from '../__generated__/resolvers-types.js';
import type { MovementCursor } from '../ledger.repository.js';

export const Query: QueryResolvers = {
  warehouses: (_parent, { active }, { inventory }) => inventory.listWarehouses({ active }),

  warehouse: (_parent, { id }, { loaders }) => loaders.warehouseById.load(id),

  stockMovements: async (_parent, args, { viewer, ledger }) => {
    if (!hasRole(viewer, 'staff', 'admin', 'warehouse')) {
      throw forbidden('Only staff or warehouse workers may read the stock ledger.');
    }
    const { limit, after } = pageArgs<MovementCursor>(args);
    if (after && !Number.isSafeInteger(after.id)) {
      throw badUserInput('"after" is not a valid cursor.', 'after');
    }
    const rows = await ledger.listMovements({
      sku: args.sku,
      warehouseId: args.warehouseId,
      kind: args.kind,
      limit: limit + 1,
      after,
    });
    return toConnection(rows, { limit, cursorOf: (row) => ({ id: row.id }) });
  },

  inventoryEventLog: (parent, args, context) =>
    eventFeedResolver(context.feed)(parent, args, context),
};
