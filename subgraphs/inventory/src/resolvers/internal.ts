import { actorOf, badUserInput, forbidden, hasRole, type Viewer } from '@ordergraph/shared';
import type { MutationResolvers } from '../__generated__/resolvers-types.js';
import { validateReservation, validateRestock } from '../inventory.js';
import {
  confirmReservation,
  releaseReservation,
  reserveStock,
  shipReservation,
} from '../reservations.js';
import { restockReturn } from '../returns.js';

// commands between services; clients go through placeOrder, shipments and returns
const requireService = (viewer: Viewer) => {
  if (!hasRole(viewer, 'service')) throw forbidden('Only ordergraph services may do this.');
};

/** The @inaccessible mutations other services call. */
export const InternalMutation: MutationResolvers = {
  reserveStock: async (_parent, { input }, { viewer, db }) => {
    requireService(viewer);
    const request = validateReservation(input);
    if ('__typename' in request) return request;
    return reserveStock(db, { ...request, actor: actorOf(viewer) });
  },

  releaseReservation: async (_parent, { input }, { viewer, db }) => {
    requireService(viewer);
    if (input.reservationId.trim() === '') return true;
    return releaseReservation(db, { reservationId: input.reservationId, actor: actorOf(viewer) });
  },

  confirmReservation: async (_parent, { input }, { viewer, db }) => {
    requireService(viewer);
    if (input.reservationId.trim() === '') return false;
    return confirmReservation(db, { reservationId: input.reservationId });
  },

  shipReservation: async (_parent, { input }, { viewer, db }) => {
    requireService(viewer);
    return shipReservation(db, { ...input, actor: actorOf(viewer) });
  },

  restockReturn: async (_parent, { input }, { viewer, db, inventory, loaders }) => {
    requireService(viewer);
    const restock = validateRestock(input);
    // the answer is a Boolean, so bad input can only be an error
    if ('__typename' in restock) throw badUserInput(restock.message, restock.field ?? undefined);
    if (!(await loaders.warehouseById.load(restock.warehouseId))) {
      throw badUserInput(`No warehouse has the id ${restock.warehouseId}.`, 'warehouseId');
    }
    const skus = [...new Set(restock.lines.map((line) => line.sku))];
    const stocked = new Set((await inventory.findStockBySkus(skus)).map((level) => level.sku));
    const index = restock.lines.findIndex((line) => !stocked.has(line.sku));
    if (index >= 0) {
      throw badUserInput(
        `${restock.lines[index]!.sku} was never stocked, so it cannot be returned.`,
        `lines.${index}.sku`,
      );
    }
    return restockReturn(db, { ...restock, actor: actorOf(viewer) });
  },
};
