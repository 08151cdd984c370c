import {
  actorOf,
  forbidden,
  hasRole,
  withIdempotency,
  type InvalidInput,
} from '@ordergraph/shared';
import type { MutationResolvers } from '../__generated__/resolvers-types.js';
import type { Context } from '../context.js';
import {
  unknownSku,
  validateAdjustment,
  validateReceipt,
  validateThreshold,
} from '../inventory.js';
import { adjustStock, receiveStock, setLowStockThreshold } from '../stock.js';
import { unknownWarehouse } from '../warehouses.js';

/**
 * The checks every stock mutation makes before its transaction: the warehouse exists, and the
 * SKU is the catalog's (one stocked before was known to the catalog then, and SKUs are never
 * deleted). Null when both hold. Whether the warehouse takes receipts is checked inside the
 * receipt's transaction (see receiveStock), where a deactivation cannot slip in between.
 */
async function checkSkuAndWarehouse(
  { sku, warehouseId }: { sku: string; warehouseId: string },
  { inventory, catalog, loaders }: Context,
): Promise<InvalidInput | ReturnType<typeof unknownSku> | null> {
  const warehouse = await loaders.warehouseById.load(warehouseId);
  if (!warehouse) return unknownWarehouse(warehouseId);
  if (!(await inventory.isStocked(sku)) && !(await catalog.findKnownSkus([sku])).has(sku)) {
    return unknownSku(sku);
  }
  return null;
}

const scopeOf = (operation: string, { viewer }: Context) =>
  `${operation}:${viewer.subject ?? 'anonymous'}`;

export const Mutation: MutationResolvers = {
  receiveStock: async (_parent, { input }, context) => {
    if (!hasRole(context.viewer, 'staff', 'admin', 'warehouse')) {
      throw forbidden('Only staff or warehouse workers may receive stock.');
    }
    const receipt = validateReceipt(input);
    if ('__typename' in receipt) return receipt;
    const problem = await checkSkuAndWarehouse(receipt, context);
    if (problem) return problem;
    return withIdempotency(context.db, {
      scope: scopeOf('receiveStock', context),
      key: input.idempotencyKey,
      input,
      run: (tx) =>
        receiveStock(tx, {
          ...receipt,
          reference: input.idempotencyKey,
          actor: actorOf(context.viewer),
        }),
    });
  },

  adjustStock: async (_parent, { input }, context) => {
    if (!hasRole(context.viewer, 'staff', 'admin', 'warehouse')) {
      throw forbidden('Only staff or warehouse workers may correct stock counts.');
    }
    const correction = validateAdjustment(input);
    if ('__typename' in correction) return correction;
    const problem = await checkSkuAndWarehouse(correction, context);
    if (problem) return problem;
    return withIdempotency(context.db, {
      scope: scopeOf('adjustStock', context),
      key: input.idempotencyKey,
      input,
      run: (tx) =>
        adjustStock(tx, {
          ...correction,
          reference: input.idempotencyKey,
          actor: actorOf(context.viewer),
        }),
    });
  },

  setLowStockThreshold: async (_parent, { input }, context) => {
    if (!hasRole(context.viewer, 'staff', 'admin')) {
      throw forbidden('Only staff may set low-stock thresholds.');
    }
    const setting = validateThreshold(input);
    if ('__typename' in setting) return setting;
    const problem = await checkSkuAndWarehouse(setting, context);
    if (problem) return problem;
    return withIdempotency(context.db, {
      scope: scopeOf('setLowStockThreshold', context),
      key: input.idempotencyKey,
      input,
      run: (tx) => setLowStockThreshold(tx, { ...setting, actor: context.viewer.subject }),
    });
  },
};
