import { checkIdempotencyKey, forbidden, hasRole, withIdempotency } from '@ordergraph/shared';
import type { MutationResolvers } from '../__generated__/resolvers-types.js';
import type { Context } from '../context.js';
import { createWarehouse, deactivateWarehouse, updateWarehouse } from '../warehouse-admin.js';
import { validateNewWarehouse, validateWarehouseChanges } from '../warehouses.js';

const scopeOf = (operation: string, { viewer }: Context) =>
  `${operation}:${viewer.subject ?? 'anonymous'}`;

function requireStaff({ viewer }: Context) {
  if (!hasRole(viewer, 'staff', 'admin')) throw forbidden('Only staff may manage warehouses.');
}

export const WarehouseMutation: Pick<
  MutationResolvers,
  'createWarehouse' | 'updateWarehouse' | 'deactivateWarehouse'
> = {
  createWarehouse: async (_parent, { input }, context) => {
    requireStaff(context);
    const warehouse = validateNewWarehouse(input);
    if ('__typename' in warehouse) return warehouse;
    return withIdempotency(context.db, {
      scope: scopeOf('createWarehouse', context),
      key: input.idempotencyKey,
      input,
      run: (tx) => createWarehouse(tx, { warehouse }),
    });
  },

  updateWarehouse: async (_parent, { input }, context) => {
    requireStaff(context);
    const update = validateWarehouseChanges(input);
    if ('__typename' in update) return update;
    return withIdempotency(context.db, {
      scope: scopeOf('updateWarehouse', context),
      key: input.idempotencyKey,
      input,
      run: (tx) => updateWarehouse(tx, update),
    });
  },

  deactivateWarehouse: async (_parent, { input }, context) => {
    requireStaff(context);
    const problem = checkIdempotencyKey(input.idempotencyKey);
    if (problem) return problem;
    return withIdempotency(context.db, {
      scope: scopeOf('deactivateWarehouse', context),
      key: input.idempotencyKey,
      input,
      run: (tx) => deactivateWarehouse(tx, { warehouseId: input.warehouseId }),
    });
  },
};
