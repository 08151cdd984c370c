import { readActor, systemActor } from '@ordergraph/shared';
import type { StockMovementResolvers } from '../__generated__/resolvers-types.js';

// movements recorded before actors were kept name only an id: a user, or a service by name
const SERVICES = new Set(['orders', 'shipments', 'inventory']);

export const StockMovement: StockMovementResolvers = {
  id: ({ id }) => String(id),

  warehouse: async ({ warehouseId }, _args, { loaders }) =>
    (await loaders.warehouseById.load(warehouseId))!,

  actor: ({ actor, actorKind, actorName }) =>
    readActor(
      { kind: actorKind, id: actor, name: actorName },
      actor && !SERVICES.has(actor)
        ? { kind: 'STAFF', id: actor, name: null }
        : systemActor(actor ?? 'inventory'),
    ),
};
