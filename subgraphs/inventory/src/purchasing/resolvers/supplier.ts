import { badUserInput, pageArgs, toConnection, toMoney } from '@ordergraph/shared';
import type { Resolvers } from '../../__generated__/resolvers-types.js';

export const Supplier: Resolvers['Supplier'] = {
  __resolveReference: ({ id }, { loaders }) => loaders.supplierById.load(id),

  items: async ({ id }, args, { loaders }) => {
    const { limit, after } = pageArgs<{ sku: string }>(args);
    if (after && typeof after.sku !== 'string') {
      throw badUserInput('"after" is not a valid cursor.', 'after');
    }
    const items = await loaders.supplierItems.load({
      parentId: id,
      page: { limit: limit + 1, afterSku: after?.sku ?? null },
    });
    return toConnection(items, { limit, cursorOf: ({ sku }) => ({ sku }) });
  },
};

export const SupplierItem: Resolvers['SupplierItem'] = {
  variant: ({ sku }) => ({ sku }),

  // an item references its supplier by foreign key, so it is always there
  supplier: async ({ supplierId }, _args, { loaders }) =>
    (await loaders.supplierById.load(supplierId))!,

  unitCost: ({ unitCostMinor, currencyCode }) => toMoney(unitCostMinor, currencyCode),
};
