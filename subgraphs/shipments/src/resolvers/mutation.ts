import {
  actorOf,
  badUserInput,
  checkIdempotencyKey,
  checkText,
  forbidden,
  hasRole,
  isUuid,
  unauthenticated,
  withIdempotency,
  type Viewer,
  transaction,
} from '@ordergraph/shared';
import type { MutationResolvers } from '../__generated__/resolvers-types.js';
import { inactiveCarrier, unknownCarrier } from '../carriers.js';
import { createFulfilment, trackingNumberTaken, type ShipmentOutcome } from '../fulfilment.js';
import {
  normaliseCarrierCode,
  validateShipInput,
  validateTrackingInput,
} from '../shipment-inputs.js';
import type { Loaders } from '../loaders.js';
import type { ShipmentRow } from '../db/schema.js';
import { TrackingNumberTakenError } from '../shipments.repository.js';
import { canReportFor, canRunWarehouse, shipmentNotFound } from '../shipments.js';

function requireWarehouse(viewer: Viewer): void {
  if (viewer.roles.length === 0) throw unauthenticated();
  if (!canRunWarehouse(viewer))
    throw forbidden('Only the warehouse, staff or an admin may pick, pack and ship.');
}

function requireReporter(viewer: Viewer, carrierCode: string): void {
  if (viewer.roles.length === 0) throw unauthenticated();
  if (canReportFor(viewer, carrierCode)) return;
  throw hasRole(viewer, 'carrier')
    ? forbidden('A carrier may only report on its own parcels.')
    : forbidden('Only the carrier or staff may record tracking events.');
}

const scope = (mutation: string, viewer: Viewer) => `${mutation}:${viewer.subject ?? 'anonymous'}`;

// the shipment changed: what this request loaded of it before is stale
function settle<R extends ShipmentOutcome>(loaders: Loaders, result: R): R {
  if (result.__typename === 'ShipmentSuccess') {
    loaders.shipmentById.clear(result.shipmentId);
    loaders.eventsByShipmentId.clear(result.shipmentId);
  }
  return result;
}

const warehouseStep =
  (
    mutation: 'startPicking' | 'markPacked',
    to: 'PICKING' | 'PACKED',
  ): MutationResolvers['startPicking'] =>
  async (_parent, { input }, { viewer, db, loaders }) => {
    requireWarehouse(viewer);
    const problem = checkIdempotencyKey(input.idempotencyKey);
    if (problem) return problem;
    if (!isUuid(input.shipmentId)) return shipmentNotFound({ shipmentId: input.shipmentId });
    const result = await withIdempotency<ShipmentOutcome>(db, {
      scope: scope(mutation, viewer),
      key: input.idempotencyKey,
      input,
      run: (tx) =>
        createFulfilment({ db: tx, actor: actorOf(viewer) }).advance({
          shipmentId: input.shipmentId,
          to,
        }),
    });
    return settle(loaders, result);
  };

export const Mutation: MutationResolvers = {
  startPicking: warehouseStep('startPicking', 'PICKING'),
  markPacked: warehouseStep('markPacked', 'PACKED'),

  shipShipment: async (_parent, { input }, { viewer, db, shipments, loaders }) => {
    requireWarehouse(viewer);
    const checked = validateShipInput(input);
    if ('__typename' in checked) return checked;
    if (!isUuid(input.shipmentId)) return shipmentNotFound({ shipmentId: input.shipmentId });
    const [carrier] = await shipments.findCarriersByCodes([checked.carrierCode]);
    if (!carrier) return unknownCarrier(checked.carrierCode, 'carrierCode');
    if (!carrier.active) return inactiveCarrier(carrier.code);
    try {
      const result = await withIdempotency<ShipmentOutcome>(db, {
        scope: scope('shipShipment', viewer),
        key: input.idempotencyKey,
        input: { ...input, ...checked },
        run: (tx) =>
          createFulfilment({ db: tx, actor: actorOf(viewer) }).ship({
            shipmentId: input.shipmentId,
            carrier,
            trackingNumber: checked.trackingNumber,
          }),
      });
      return settle(loaders, result);
    } catch (error) {
      // another parcel took the number between the check and the write
      if (error instanceof TrackingNumberTakenError)
        return trackingNumberTaken(error.trackingNumber);
      throw error;
    }
  },

  recordTrackingEvent: async (_parent, { input }, { viewer, db, loaders }) => {
    requireReporter(viewer, normaliseCarrierCode(input.carrierCode));
    const checked = validateTrackingInput(input);
    if ('__typename' in checked) return checked;
    const { carrierCode, trackingNumber, report } = checked;
    // the row as the scan's work left it, and as it committed (a twin's work rolls back)
    let moved = null as ShipmentRow | null;
    let shown = null as ShipmentRow | null;
    const result = await withIdempotency<ShipmentOutcome>(db, {
      scope: scope('recordTrackingEvent', viewer),
      key: input.idempotencyKey,
      // every effect of a scan is in this database: the key is claimed with the result
      claim: 'last',
      // the date as text: the request hash must see it
      input: {
        ...input,
        carrierCode,
        trackingNumber,
        ...report,
        occurredAt: report.occurredAt.toISOString(),
      },
      run: (tx) =>
        createFulfilment({
          db: tx,
          actor: actorOf(viewer),
          moved: (row) => (moved = row),
        }).recordTracking({
          carrierCode,
          trackingNumber,
          report,
        }),
      committed: () => {
        shown = moved;
      },
    });
    settle(loaders, result);
    // the response shows the shipment as this scan left it, without reading it again
    if (shown) loaders.shipmentById.prime(shown.id, shown);
    return result;
  },

  cancelOrderShipments: async (_parent, { input }, { viewer, db }) => {
    if (!hasRole(viewer, 'service'))
      throw forbidden('Cancelling shipments is for the orders service only.');
    const problem = checkText(input.orderId, { field: 'orderId', max: 100 });
    if (problem) throw badUserInput(problem.message, 'orderId');
    return transaction(db, (tx) =>
      createFulfilment({
        db: tx,
        actor: actorOf(viewer),
      }).cancelOrderShipments(input.orderId.trim()),
    );
  },
};
