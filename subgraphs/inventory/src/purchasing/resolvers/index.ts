import type { Resolvers } from '../../__generated__/resolvers-types.js';
import { PurchasingMutation } from './mutation.js';
import {
  PurchaseOrder,
  PurchaseOrderLine,
  PurchaseOrderReceipt,
  PurchaseOrderReceiptLine,
} from './purchase-order.js';
import { PurchasingQuery } from './query.js';
import { ReplenishmentSuggestion } from './replenishment.js';
import {
  CreatePurchaseOrdersFromSuggestionsSuccess,
  CreateSupplierSuccess,
  PurchaseOrderSuccess,
  SetSupplierItemSuccess,
  UpdateSupplierSuccess,
} from './results.js';
import { Supplier, SupplierItem } from './supplier.js';

/** Purchasing's types; its root fields are merged into the inventory's in resolvers/index.ts. */
export const purchasingTypes: Resolvers = {
  Supplier,
  SupplierItem,
  PurchaseOrder,
  PurchaseOrderLine,
  PurchaseOrderReceipt,
  PurchaseOrderReceiptLine,
  ReplenishmentSuggestion,
  CreateSupplierSuccess,
  UpdateSupplierSuccess,
  SetSupplierItemSuccess,
  PurchaseOrderSuccess,
  CreatePurchaseOrdersFromSuggestionsSuccess,
};

export { PurchasingMutation, PurchasingQuery };
