import { invalidInput, type Actor, type Database, type InvalidInput } from '@ordergraph/shared';
import type { CarrierRow, ShipmentRow } from './db/schema.js';
import { appendShipmentEvent } from './shipment-events.js';
import { canTransition, checkTransition, type InvalidTransition } from './shipment-status.js';
import {
  createShipmentsRepository,
  type NewShipment,
  type NewShipmentLine,
} from './shipments.repository.js';
import {
  shipmentNotFound,
  shipmentSuccess,
  trackingUrlFor,
  type ShipmentNotFound,
  type ShipmentSuccessResult,
} from './shipments.js';
import {
  decideTracking,
  estimateDelivery,
  generateTrackingNumber,
  trackingDedupeKey,
  type CarrierReport,
} from './tracking.js';

/** What a shipment mutation returns (and stores under its idempotency key). */
export type ShipmentOutcome =
  ShipmentSuccessResult | InvalidTransition | ShipmentNotFound | InvalidInput;

const GENERATION_ATTEMPTS = 5;

// the databases compare SKUs and ids bytewise (C collation), as `<` compares ASCII strings
const byStoredOrder = (lines: readonly NewShipmentLine[]): NewShipmentLine[] =>
  lines
    .map(({ orderLineId, sku, quantity }) => ({ orderLineId, sku, quantity }))
    .sort((a, b) =>
      a.sku !== b.sku ? (a.sku < b.sku ? -1 : 1) : a.orderLineId < b.orderLineId ? -1 : 1,
    );

/**
 * The shipment life cycle's writes, each on the caller's transaction: the shipment row is
 * locked first, the state machine decides, and the event is appended last, naming `actor`.
 */
export function createFulfilment({
  db,
  actor,
  moved = () => {},
}: {
  db: Database;
  actor: Actor;
  /** told each shipment row as a change leaves it, so a request can show it without a read */
  moved?: (shipment: ShipmentRow) => void;
}) {
  const repository = createShipmentsRepository({ db });

  const lines = async (shipmentId: string) =>
    (await repository.findLinesByShipmentIds([shipmentId])).map(
      ({ orderLineId, sku, quantity }) => ({ orderLineId, sku, quantity }),
    );

  const freeTrackingNumber = async (carrierCode: string): Promise<string> => {
    for (let attempt = 0; attempt < GENERATION_ATTEMPTS; attempt++) {
      const candidate = generateTrackingNumber(carrierCode);
      if (!(await repository.isTrackingNumberTaken({ carrierCode, trackingNumber: candidate })))
        return candidate;
    }
    throw new Error(`no free tracking number for ${carrierCode}`);
  };

  return {
    /** The order's shipments, one per warehouse; none when the order was cancelled first. */
    async createOrderShipments({
      orderId,
      customerId,
      allocations,
    }: {
      orderId: string;
      customerId: string;
      allocations: readonly Pick<NewShipment, 'warehouseId' | 'lines'>[];
    }): Promise<ShipmentRow[]> {
      // the shipments it has already are left alone (one per warehouse), so none is locked
      await repository.serializeOrder(orderId);
      if (await repository.isOrderCancelled(orderId)) return [];
      const created: { shipment: ShipmentRow; lines: readonly NewShipmentLine[] }[] = [];
      for (const { warehouseId, lines: shipmentLines } of allocations) {
        const shipment = await repository.insertShipment({
          orderId,
          customerId,
          warehouseId,
          lines: shipmentLines,
        });
        if (shipment) created.push({ shipment, lines: shipmentLines });
      }
      for (const { shipment, lines: shipmentLines } of created) {
        await appendShipmentEvent(db, {
          actor,
          shipment,
          previousStatus: null,
          type: 'shipment.created',
          // the lines just written, in the order a read of them gives (by SKU, then line)
          details: { lines: byStoredOrder(shipmentLines) },
        });
      }
      return created.map(({ shipment }) => shipment);
    },

    /** A warehouse step: PENDING to PICKING, PICKING to PACKED. */
    async advance({
      shipmentId,
      to,
    }: {
      shipmentId: string;
      to: 'PICKING' | 'PACKED';
    }): Promise<ShipmentOutcome> {
      const shipment = await repository.lockById(shipmentId);
      if (!shipment) return shipmentNotFound({ shipmentId });
      const refused = checkTransition(shipment.status, to);
      if (refused) return refused;
      const moved = await repository.updateStatus({ id: shipment.id, status: to });
      await appendShipmentEvent(db, {
        actor,
        shipment: moved,
        previousStatus: shipment.status,
        type: to === 'PICKING' ? 'shipment.picking' : 'shipment.packed',
        details: {},
      });
      return shipmentSuccess(shipment.id);
    },

    /** Hands a PACKED shipment to the carrier. */
    async ship({
      shipmentId,
      carrier,
      trackingNumber,
      now = new Date(),
    }: {
      shipmentId: string;
      carrier: CarrierRow;
      trackingNumber: string | null;
      now?: Date;
    }): Promise<ShipmentOutcome> {
      const shipment = await repository.lockById(shipmentId);
      if (!shipment) return shipmentNotFound({ shipmentId });
      const refused = checkTransition(shipment.status, 'SHIPPED');
      if (refused) return refused;
      const carrierCode = carrier.code;
      if (
        trackingNumber &&
        (await repository.isTrackingNumberTaken({ carrierCode, trackingNumber }))
      )
        return trackingNumberTaken(trackingNumber);
      const number = trackingNumber ?? (await freeTrackingNumber(carrierCode));
      const trackingUrl = trackingUrlFor(carrier.trackingUrlTemplate, number);
      const shipped = await repository.updateStatus({
        id: shipment.id,
        status: 'SHIPPED',
        changes: {
          carrierCode,
          trackingNumber: number,
          trackingUrl,
          shippedAt: now,
          estimatedDeliveryAt: estimateDelivery(now, carrier.transitDays),
        },
      });
      await appendShipmentEvent(db, {
        actor,
        shipment: shipped,
        previousStatus: shipment.status,
        type: 'shipment.shipped',
        details: {
          carrierCode,
          trackingNumber: number,
          trackingUrl,
          lines: await lines(shipment.id),
        },
      });
      return shipmentSuccess(shipment.id);
    },

    /**
     * Records a carrier report: once however often it is sent, moving the status only when it
     * is news (see decideTracking).
     */
    async recordTracking({
      carrierCode,
      trackingNumber,
      report,
    }: {
      carrierCode: string;
      trackingNumber: string;
      report: CarrierReport;
    }): Promise<ShipmentOutcome> {
      const shipment = await repository.lockByTracking({ carrierCode, trackingNumber });
      if (!shipment) return shipmentNotFound({ trackingNumber });
      const outcome = decideTracking({
        current: shipment.status,
        statusReportedAt: shipment.statusReportedAt,
        report,
      });
      if ('__typename' in outcome) return outcome;
      const recorded = await repository.insertTrackingEvent({
        shipmentId: shipment.id,
        ...report,
        dedupeKey: trackingDedupeKey(report),
        actorKind: actor.kind,
        actorId: actor.id,
        actorName: actor.name,
      });
      if (!recorded) return shipmentSuccess(shipment.id);
      const tracking = {
        description: report.description,
        location: report.location,
        occurredAt: report.occurredAt.toISOString(),
      };
      if (outcome.kind === 'history') {
        await repository.touch(shipment.id);
        await appendShipmentEvent(db, {
          actor,
          shipment,
          previousStatus: shipment.status,
          type: 'shipment.tracking_recorded',
          details: { trackingStatus: report.status, ...tracking },
        });
        return shipmentSuccess(shipment.id);
      }
      const updated = await repository.updateStatus({
        id: shipment.id,
        status: report.status,
        changes: {
          statusReportedAt: report.occurredAt,
          ...(report.status === 'DELIVERED' ? { deliveredAt: report.occurredAt } : {}),
        },
      });
      await appendShipmentEvent(db, {
        actor,
        shipment: updated,
        previousStatus: shipment.status,
        details: tracking,
      });
      moved(updated);
      return shipmentSuccess(shipment.id);
    },

    /**
     * Cancels all of an order's shipments, or none when one has shipped (false). Leaves a
     * tombstone so that shipments the order has not got yet are never created.
     */
    async cancelOrderShipments(orderId: string): Promise<boolean> {
      const shipments = await repository.lockOrder(orderId);
      const open = shipments.filter((shipment) => shipment.status !== 'CANCELLED');
      if (open.some((shipment) => !canTransition(shipment.status, 'CANCELLED'))) return false;
      await repository.insertCancelledOrder(orderId);
      const cancelled: [ShipmentRow, ShipmentRow][] = [];
      for (const shipment of open) {
        cancelled.push([
          shipment,
          await repository.updateStatus({ id: shipment.id, status: 'CANCELLED' }),
        ]);
      }
      for (const [before, after] of cancelled) {
        await appendShipmentEvent(db, {
          actor,
          shipment: after,
          previousStatus: before.status,
          type: 'shipment.cancelled',
          details: {},
        });
      }
      return true;
    },
  };
}

export type Fulfilment = ReturnType<typeof createFulfilment>;

export const trackingNumberTaken = (trackingNumber: string): InvalidInput =>
  invalidInput(
    `The carrier already has a parcel with the tracking number ${trackingNumber}.`,
    'trackingNumber',
  );
