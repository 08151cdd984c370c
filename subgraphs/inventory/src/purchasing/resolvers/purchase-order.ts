import { badUserInput, pageArgs, toConnection, toMoney } from '@ordergraph/shared';
import type { Resolvers } from '../../__generated__/resolvers-types.js';
import type { Context } from '../../context.js';
import { outstandingOf, totalOf } from '../purchase-orders.js';
import type { PurchaseOrderRow } from '../tables.js';

const linesOf = async ({ id, currencyCode, status }: PurchaseOrderRow, { loaders }: Context) =>
  (await loaders.purchaseOrderLines.load(id)).map((line) => ({ ...line, currencyCode, status }));

export const PurchaseOrder: Resolvers['PurchaseOrder'] = {
  __resolveReference: ({ id }, { loaders }) => loaders.purchaseOrderById.load(id),

  // rows reference their supplier and warehouse by foreign key, so both are always there
  supplier: async ({ supplierId }, _args, { loaders }) =>
    (await loaders.supplierById.load(supplierId))!,

  warehouse: async ({ warehouseId }, _args, { loaders }) =>
    (await loaders.warehouseById.load(warehouseId))!,

  lines: (order, _args, context) => linesOf(order, context),

  total: async (order, _args, context) =>
    toMoney(totalOf(await linesOf(order, context)), order.currencyCode),

  receivedTotal: async (order, _args, context) => {
    const lines = await linesOf(order, context);
    return toMoney(
      totalOf(lines.map((line) => ({ ...line, quantity: line.received }))),
      order.currencyCode,
    );
  },

  receipts: async ({ id, currencyCode }, args, { loaders }) => {
    const { limit, after } = pageArgs<{ id: number }>(args);
    if (after && !Number.isSafeInteger(after.id)) {
      throw badUserInput('"after" is not a valid cursor.', 'after');
    }
    const receipts = await loaders.receipts.load({
      parentId: id,
      page: { limit: limit + 1, afterId: after?.id ?? null },
    });
    return toConnection(
      receipts.map((receipt) => ({ ...receipt, currencyCode })),
      { limit, cursorOf: (receipt) => ({ id: receipt.id }) },
    );
  },
};

export const PurchaseOrderLine: Resolvers['PurchaseOrderLine'] = {
  variant: ({ sku }) => ({ sku }),

  outstanding: (line) => outstandingOf(line),

  unitCost: ({ unitCostMinor, currencyCode }) => toMoney(unitCostMinor, currencyCode),

  total: ({ quantity, unitCostMinor, currencyCode }) =>
    toMoney(quantity * unitCostMinor, currencyCode),
};

export const PurchaseOrderReceipt: Resolvers['PurchaseOrderReceipt'] = {
  id: ({ id }) => String(id),

  lines: async ({ id, currencyCode }, _args, { loaders }) =>
    (await loaders.receiptLines.load(id)).map((line) => ({ ...line, currencyCode })),

  total: async ({ id, currencyCode }, _args, { loaders }) =>
    toMoney(totalOf(await loaders.receiptLines.load(id)), currencyCode),
};

export const PurchaseOrderReceiptLine: Resolvers['PurchaseOrderReceiptLine'] = {
  total: ({ quantity, unitCostMinor, currencyCode }) =>
    toMoney(quantity * unitCostMinor, currencyCode),
};
