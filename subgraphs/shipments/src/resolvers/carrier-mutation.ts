import { forbidden, hasRole, withIdempotency, type Viewer } from '@ordergraph/shared';
import type { MutationResolvers } from '../__generated__/resolvers-types.js';
import { createCarrier, updateCarrier } from '../carrier-admin.js';
import { validateCarrierChanges, validateNewCarrier } from '../carriers.js';

const scope = (mutation: string, viewer: Viewer) => `${mutation}:${viewer.subject ?? 'anonymous'}`;

// carriers themselves may not: a carrier client is bound to its code and may not rename it
function requireStaff(viewer: Viewer): void {
  if (!hasRole(viewer, 'staff', 'admin')) throw forbidden('Only staff may manage carriers.');
}

export const CarrierMutation: Pick<MutationResolvers, 'createCarrier' | 'updateCarrier'> = {
  createCarrier: async (_parent, { input }, { viewer, db, loaders }) => {
    requireStaff(viewer);
    const carrier = validateNewCarrier(input);
    if ('__typename' in carrier) return carrier;
    const result = await withIdempotency(db, {
      scope: scope('createCarrier', viewer),
      key: input.idempotencyKey,
      input,
      run: (tx) => createCarrier(tx, { carrier }),
    });
    loaders.carrierByCode.clear(carrier.code);
    return result;
  },

  updateCarrier: async (_parent, { input }, { viewer, db, loaders }) => {
    requireStaff(viewer);
    const update = validateCarrierChanges(input);
    if ('__typename' in update) return update;
    const result = await withIdempotency(db, {
      scope: scope('updateCarrier', viewer),
      key: input.idempotencyKey,
      input,
      run: (tx) => updateCarrier(tx, update),
    });
    loaders.carrierByCode.clear(update.code);
    return result;
  },
};
