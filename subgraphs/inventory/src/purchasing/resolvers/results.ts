import type { Resolvers } from '../../__generated__/resolvers-types.js';
import { supplierItemKey } from '../loaders.js';

// mutation results are stored as ids (see withIdempotency) and resolved on every read

export const CreateSupplierSuccess: Resolvers['CreateSupplierSuccess'] = {
  supplier: async ({ supplierId }, _args, { loaders }) =>
    (await loaders.supplierById.load(supplierId))!,
};

export const UpdateSupplierSuccess: Resolvers['UpdateSupplierSuccess'] = {
  supplier: async ({ supplierId }, _args, { loaders }) =>
    (await loaders.supplierById.load(supplierId))!,
};

export const SetSupplierItemSuccess: Resolvers['SetSupplierItemSuccess'] = {
  item: async ({ supplierId, sku }, _args, { loaders }) =>
    (await loaders.supplierItem.load(supplierItemKey(supplierId, sku)))!,
};

export const PurchaseOrderSuccess: Resolvers['PurchaseOrderSuccess'] = {
  purchaseOrder: async ({ purchaseOrderId }, _args, { loaders }) =>
    (await loaders.purchaseOrderById.load(purchaseOrderId))!,

  receipt: async ({ purchaseOrderId, receiptId }, _args, { loaders }) => {
    if (receiptId === null) return null;
    const [receipt, order] = await Promise.all([
      loaders.receiptById.load(receiptId),
      loaders.purchaseOrderById.load(purchaseOrderId),
    ]);
    return { ...receipt!, currencyCode: order!.currencyCode };
  },
};

export const CreatePurchaseOrdersFromSuggestionsSuccess: Resolvers['CreatePurchaseOrdersFromSuggestionsSuccess'] =
  {
    purchaseOrders: async ({ purchaseOrderIds }, _args, { loaders }) =>
      (await loaders.purchaseOrderById.loadMany(purchaseOrderIds)).map((order) => {
        if (!order || order instanceof Error) throw order ?? new Error('purchase order vanished');
        return order;
      }),
  };
