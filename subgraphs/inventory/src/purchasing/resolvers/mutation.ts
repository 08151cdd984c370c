import { actorOf, invalidInput, isUuid, withIdempotency } from '@ordergraph/shared';
import type { MutationResolvers } from '../../__generated__/resolvers-types.js';
import type { Context } from '../../context.js';
import { unknownSku } from '../../inventory.js';
import {
  cancelPurchaseOrder,
  createPurchaseOrder,
  submitPurchaseOrder,
  updatePurchaseOrderLines,
} from '../purchase-order-flows.js';
import {
  validateAction,
  validateCancellation,
  validateDelivery,
  validateLinesUpdate,
  validateNewPurchaseOrder,
} from '../purchase-order-inputs.js';
import { purchaseOrderNotFound } from '../purchase-orders.js';
import { receivePurchaseOrder } from '../receiving.js';
import { createPurchaseOrdersFromSuggestions, validateReorder } from '../reorder.js';
import { createSupplier, setSupplierItem, updateSupplier } from '../supplier-flows.js';
import {
  supplierNotFound,
  validateNewSupplier,
  validateSupplierChanges,
  validateSupplierItem,
} from '../suppliers.js';
import { requireBuyer, requireReceiver } from './access.js';

const scopeOf = (operation: string, { viewer }: Context) =>
  `${operation}:${viewer.subject ?? 'anonymous'}`;

const unknownWarehouse = async (warehouseId: string, { loaders }: Context) =>
  (await loaders.warehouseById.load(warehouseId))
    ? null
    : invalidInput(`No warehouse has the id ${warehouseId}.`, 'warehouseId');

/** Purchase order ids are UUIDs: anything else names none, and never reaches a uuid column. */
const missingOrder = (purchaseOrderId: string) =>
  isUuid(purchaseOrderId) ? null : purchaseOrderNotFound(purchaseOrderId);

export const PurchasingMutation: MutationResolvers = {
  createSupplier: async (_parent, { input }, context) => {
    requireBuyer(context.viewer);
    const supplier = validateNewSupplier(input);
    if ('__typename' in supplier) return supplier;
    return withIdempotency(context.db, {
      scope: scopeOf('createSupplier', context),
      key: input.idempotencyKey,
      input,
      run: (tx) => createSupplier(tx, supplier),
    });
  },

  updateSupplier: async (_parent, { input }, context) => {
    requireBuyer(context.viewer);
    const update = validateSupplierChanges(input);
    if ('__typename' in update) return update;
    if (!isUuid(update.supplierId)) return supplierNotFound(update.supplierId);
    return withIdempotency(context.db, {
      scope: scopeOf('updateSupplier', context),
      key: input.idempotencyKey,
      input,
      run: (tx) => updateSupplier(tx, update),
    });
  },

  setSupplierItem: async (_parent, { input }, context) => {
    requireBuyer(context.viewer);
    const terms = validateSupplierItem(input);
    if ('__typename' in terms) return terms;
    if (!isUuid(terms.supplierId)) return supplierNotFound(terms.supplierId);
    // a SKU stocked before was the catalog's then, and SKUs are never deleted
    if (
      !(await context.inventory.isStocked(terms.sku)) &&
      !(await context.catalog.findKnownSkus([terms.sku])).has(terms.sku)
    ) {
      return unknownSku(terms.sku);
    }
    return withIdempotency(context.db, {
      scope: scopeOf('setSupplierItem', context),
      key: input.idempotencyKey,
      input,
      run: (tx) => setSupplierItem(tx, terms),
    });
  },

  createPurchaseOrder: async (_parent, { input }, context) => {
    requireBuyer(context.viewer);
    const order = validateNewPurchaseOrder(input);
    if ('__typename' in order) return order;
    if (!isUuid(order.supplierId)) return supplierNotFound(order.supplierId);
    const problem = await unknownWarehouse(order.warehouseId, context);
    if (problem) return problem;
    return withIdempotency(context.db, {
      scope: scopeOf('createPurchaseOrder', context),
      key: input.idempotencyKey,
      input,
      run: (tx) => createPurchaseOrder(tx, { ...order, actor: context.viewer.subject }),
    });
  },

  updatePurchaseOrderLines: async (_parent, { input }, context) => {
    requireBuyer(context.viewer);
    const update = validateLinesUpdate(input);
    if ('__typename' in update) return update;
    const missing = missingOrder(update.purchaseOrderId);
    if (missing) return missing;
    return withIdempotency(context.db, {
      scope: scopeOf('updatePurchaseOrderLines', context),
      key: input.idempotencyKey,
      input,
      run: (tx) => updatePurchaseOrderLines(tx, update),
    });
  },

  submitPurchaseOrder: async (_parent, { input }, context) => {
    requireBuyer(context.viewer);
    const action = validateAction(input);
    if ('__typename' in action) return action;
    const missing = missingOrder(action.purchaseOrderId);
    if (missing) return missing;
    return withIdempotency(context.db, {
      scope: scopeOf('submitPurchaseOrder', context),
      key: input.idempotencyKey,
      input,
      run: (tx) => submitPurchaseOrder(tx, { ...action, actor: context.viewer.subject }),
    });
  },

  receivePurchaseOrder: async (_parent, { input }, context) => {
    requireReceiver(context.viewer);
    const delivery = validateDelivery(input);
    if ('__typename' in delivery) return delivery;
    const missing = missingOrder(input.purchaseOrderId);
    if (missing) return missing;
    return withIdempotency(context.db, {
      scope: scopeOf('receivePurchaseOrder', context),
      key: input.idempotencyKey,
      input,
      run: (tx) =>
        receivePurchaseOrder(tx, {
          purchaseOrderId: input.purchaseOrderId,
          delivery,
          tolerancePercent: context.overReceiptTolerancePercent,
          actor: actorOf(context.viewer),
        }),
    });
  },

  cancelPurchaseOrder: async (_parent, { input }, context) => {
    requireBuyer(context.viewer);
    const cancellation = validateCancellation(input);
    if ('__typename' in cancellation) return cancellation;
    const missing = missingOrder(input.purchaseOrderId);
    if (missing) return missing;
    return withIdempotency(context.db, {
      scope: scopeOf('cancelPurchaseOrder', context),
      key: input.idempotencyKey,
      input,
      run: (tx) =>
        cancelPurchaseOrder(tx, {
          purchaseOrderId: input.purchaseOrderId,
          reason: cancellation.reason,
          actor: context.viewer.subject,
        }),
    });
  },

  createPurchaseOrdersFromSuggestions: async (_parent, { input }, context) => {
    requireBuyer(context.viewer);
    const reorder = validateReorder(input);
    if ('__typename' in reorder) return reorder;
    const problem = await unknownWarehouse(reorder.warehouseId, context);
    if (problem) return problem;
    return withIdempotency(context.db, {
      scope: scopeOf('createPurchaseOrdersFromSuggestions', context),
      key: input.idempotencyKey,
      input,
      run: (tx) =>
        createPurchaseOrdersFromSuggestions(tx, { ...reorder, actor: context.viewer.subject }),
    });
  },
};
