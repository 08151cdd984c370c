import {
  appendEvent,
  forbidden,
  hasRole,
  invalidInput,
  withIdempotency,
  type Viewer,
} from '@ordergraph/shared';
import type { MutationResolvers } from '../__generated__/resolvers-types.js';
import { createInventoryRepository } from '../inventory.repository.js';
import { unknownSku, validateReceipt, validateReservation } from '../inventory.js';
import { releaseReservation, reserveStock, shipReservation } from '../reservations.js';

// reservations are commands between services; clients go through placeOrder and shipments
const requireService = (viewer: Viewer) => {
  if (!hasRole(viewer, 'service')) throw forbidden('Only ordergraph services may do this.');
};

export const Mutation: MutationResolvers = {
  receiveStock: async (_parent, { input }, { viewer, db, inventory, catalog, loaders }) => {
    if (!hasRole(viewer, 'staff', 'admin', 'warehouse')) {
      throw forbidden('Only staff or warehouse workers may receive stock.');
    }
    const receipt = validateReceipt(input);
    if ('__typename' in receipt) return receipt;
    const { sku, warehouseId, quantity } = receipt;
    if (!(await loaders.warehouseById.load(warehouseId))) {
      return invalidInput(`No warehouse has the id ${warehouseId}.`, 'warehouseId');
    }
    // a SKU stocked before was known to the catalog then, and SKUs are never deleted
    if (!(await inventory.isStocked(sku)) && !(await catalog.findKnownSkus([sku])).has(sku)) {
      return unknownSku(sku);
    }
    return withIdempotency(db, {
      scope: `receiveStock:${viewer.subject ?? 'anonymous'}`,
      key: input.idempotencyKey,
      input,
      run: async (tx) => {
        const repository = createInventoryRepository({ db: tx });
        const level = await repository.receive(receipt);
        await repository.insertMovements([
          { ...receipt, kind: 'RECEIVED', reference: input.idempotencyKey, actor: viewer.subject },
        ]);
        await appendEvent(tx, {
          streamType: 'sku',
          streamId: sku,
          type: 'stock.received',
          payload: { sku, warehouseId, quantity, onHand: level.onHand, reserved: level.reserved },
        });
        return { __typename: 'ReceiveStockSuccess', sku, warehouseId };
      },
    });
  },

  reserveStock: async (_parent, { input }, { viewer, db }) => {
    requireService(viewer);
    const request = validateReservation(input);
    if ('__typename' in request) return request;
    return reserveStock(db, { ...request, actor: viewer.subject });
  },

  releaseReservation: async (_parent, { input }, { viewer, db }) => {
    requireService(viewer);
    if (input.reservationId.trim() === '') return true;
    return releaseReservation(db, { reservationId: input.reservationId, actor: viewer.subject });
  },

  shipReservation: async (_parent, { input }, { viewer, db }) => {
    requireService(viewer);
    return shipReservation(db, { ...input, actor: viewer.subject });
  },
};
