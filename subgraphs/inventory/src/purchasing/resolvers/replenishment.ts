import { toMoney } from '@ordergraph/shared';
import type { Resolvers } from '../../__generated__/resolvers-types.js';
import { supplierItemKey } from '../loaders.js';

export const ReplenishmentSuggestion: Resolvers['ReplenishmentSuggestion'] = {
  variant: ({ sku }) => ({ sku }),

  // a suggestion is made only for a SKU in a warehouse that exists
  warehouse: async ({ warehouseId }, _args, { loaders }) =>
    (await loaders.warehouseById.load(warehouseId))!,

  // the suggestion was computed from this very item
  supplierItem: async ({ supplierId, sku }, _args, { loaders }) =>
    (await loaders.supplierItem.load(supplierItemKey(supplierId, sku)))!,

  salesLast30Days: ({ salesInWindow }) => salesInWindow,

  suggestedCost: ({ suggestedQuantity, unitCostMinor, currencyCode }) =>
    toMoney(suggestedQuantity * unitCostMinor, currencyCode),
};
