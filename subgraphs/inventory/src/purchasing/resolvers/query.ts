import { badUserInput, isUuid, pageArgs, toConnection } from '@ordergraph/shared';
import type { QueryResolvers } from '../../__generated__/resolvers-types.js';
import { isPurchaseOrderId } from '../purchase-order-inputs.js';
import type { PurchaseOrderCursor } from '../purchase-orders.repository.js';
import { suggestReplenishment } from '../replenishment.js';
import type { SupplierCursor } from '../suppliers.repository.js';
import { requireBuyer, requirePurchaseOrderReader } from './access.js';

const isText = (value: unknown): value is string => typeof value === 'string';

// cursors come back from clients: anything else than what we encoded is refused
const isOrderCursor = ({ createdAt, id }: PurchaseOrderCursor) =>
  isText(createdAt) && !Number.isNaN(Date.parse(createdAt)) && isText(id) && isUuid(id);

export const PurchasingQuery: QueryResolvers = {
  suppliers: async (_parent, args, { viewer, suppliers }) => {
    requireBuyer(viewer);
    const { limit, after } = pageArgs<SupplierCursor>(args);
    if (after && !(isText(after.name) && isText(after.id))) {
      throw badUserInput('"after" is not a valid cursor.', 'after');
    }
    const rows = await suppliers.list({
      activeOnly: args.activeOnly ?? true,
      limit: limit + 1,
      after,
    });
    return toConnection(rows, { limit, cursorOf: ({ name, id }) => ({ name, id }) });
  },

  supplier: (_parent, { id }, { viewer, loaders }) => {
    requireBuyer(viewer);
    return isUuid(id) ? loaders.supplierById.load(id) : null;
  },

  purchaseOrders: async (_parent, args, { viewer, purchaseOrders }) => {
    requirePurchaseOrderReader(viewer);
    const { limit, after } = pageArgs<PurchaseOrderCursor>(args);
    if (after && !isOrderCursor(after))
      throw badUserInput('"after" is not a valid cursor.', 'after');
    if (args.supplierId && !isUuid(args.supplierId)) {
      return toConnection([], { limit, cursorOf: () => null });
    }
    const rows = await purchaseOrders.list({
      status: args.status,
      supplierId: args.supplierId,
      warehouseId: args.warehouseId,
      limit: limit + 1,
      after,
    });
    return toConnection(rows, {
      limit,
      cursorOf: ({ createdAt, id }) => ({ createdAt: createdAt.toISOString(), id }),
    });
  },

  purchaseOrder: (_parent, { id }, { viewer, loaders }) => {
    requirePurchaseOrderReader(viewer);
    return isPurchaseOrderId(id) ? loaders.purchaseOrderById.load(id) : null;
  },

  replenishmentSuggestions: async (_parent, args, { viewer, loaders, replenishment }) => {
    requireBuyer(viewer);
    const { limit, after } = pageArgs<{ sku: string }>(args);
    if (after && !isText(after.sku)) throw badUserInput('"after" is not a valid cursor.', 'after');
    if (!(await loaders.warehouseById.load(args.warehouseId))) {
      throw badUserInput(`No warehouse has the id ${args.warehouseId}.`, 'warehouseId');
    }
    const rows = await replenishment.listDue({
      warehouseId: args.warehouseId,
      afterSku: after?.sku ?? null,
      limit: limit + 1,
    });
    return toConnection(rows.map(suggestReplenishment), {
      limit,
      cursorOf: ({ sku }) => ({ sku }),
    });
  },
};
