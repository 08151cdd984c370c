import { and, asc, eq, inArray } from 'drizzle-orm';
import { appendEvent, isUuid, type Database } from '@ordergraph/shared';
import {
  carriers,
  shipmentLines,
  shipments,
  trackingEvents,
  type CarrierRow,
  type ShipmentLineRow,
  type ShipmentRow,
  type TrackingEventRow,
} from './db/schema.js';

export interface NewShipmentLine {
  orderLineId: string;
  sku: string;
  quantity: number;
}

export interface NewShipment {
  orderId: string;
  customerId: string;
  warehouseId: string;
  lines: readonly NewShipmentLine[];
}

/** The shipments service's SQL, as plain functions over `db` (a transaction works too). */
export function createShipmentsRepository({ db }: { db: Database }) {
  return {
    async findByIds(ids: readonly string[]): Promise<ShipmentRow[]> {
      const valid = ids.filter(isUuid);
      if (valid.length === 0) return [];
      return db.select().from(shipments).where(inArray(shipments.id, valid));
    },

    /** the shipments of each order, oldest first */
    async findByOrderIds(orderIds: readonly string[]): Promise<ShipmentRow[]> {
      if (orderIds.length === 0) return [];
      return db
        .select()
        .from(shipments)
        .where(inArray(shipments.orderId, [...orderIds]))
        .orderBy(asc(shipments.createdAt), asc(shipments.id));
    },

    /** the lines of each shipment, by SKU */
    async findLinesByShipmentIds(shipmentIds: readonly string[]): Promise<ShipmentLineRow[]> {
      const valid = shipmentIds.filter(isUuid);
      if (valid.length === 0) return [];
      return db
        .select()
        .from(shipmentLines)
        .where(inArray(shipmentLines.shipmentId, valid))
        .orderBy(asc(shipmentLines.sku), asc(shipmentLines.orderLineId));
    },

    /** the tracking events of each shipment, oldest first */
    async findEventsByShipmentIds(shipmentIds: readonly string[]): Promise<TrackingEventRow[]> {
      const valid = shipmentIds.filter(isUuid);
      if (valid.length === 0) return [];
      return db
        .select()
        .from(trackingEvents)
        .where(inArray(trackingEvents.shipmentId, valid))
        .orderBy(
          asc(trackingEvents.occurredAt),
          asc(trackingEvents.recordedAt),
          asc(trackingEvents.id),
        );
    },

    async findByTracking({
      carrierCode,
      trackingNumber,
    }: {
      carrierCode: string;
      trackingNumber: string;
    }): Promise<ShipmentRow | null> {
      const [row] = await db
        .select()
        .from(shipments)
        .where(
          and(eq(shipments.carrierCode, carrierCode), eq(shipments.trackingNumber, trackingNumber)),
        );
      return row ?? null;
    },

    /** every carrier, by name */
    async listCarriers(): Promise<CarrierRow[]> {
      return db.select().from(carriers).orderBy(asc(carriers.name));
    },

    async findCarriersByCodes(codes: readonly string[]): Promise<CarrierRow[]> {
      if (codes.length === 0) return [];
      return db
        .select()
        .from(carriers)
        .where(inArray(carriers.code, [...codes]));
    },

    /**
     * Creates a PENDING shipment with its lines and records `shipment.created`, all in one
     * transaction (a savepoint when `db` is already one).
     */
    async insertShipment({
      orderId,
      customerId,
      warehouseId,
      lines,
    }: NewShipment): Promise<ShipmentRow> {
      if (lines.length === 0) throw new Error('a shipment needs at least one line');
      return db.transaction(async (tx) => {
        const [shipment] = await tx
          .insert(shipments)
          .values({ orderId, customerId, warehouseId })
          .returning();
        if (!shipment) throw new Error('shipment insert returned nothing');
        await tx
          .insert(shipmentLines)
          .values(lines.map((line) => ({ shipmentId: shipment.id, ...line })));
        await appendEvent(tx as unknown as Database, {
          streamType: 'shipment',
          streamId: shipment.id,
          type: 'shipment.created',
          payload: {
            shipmentId: shipment.id,
            orderId,
            customerId,
            warehouseId,
            lines: lines.map(({ orderLineId, sku, quantity }) => ({ orderLineId, sku, quantity })),
          },
        });
        return shipment;
      });
    },
  };
}

export type ShipmentsRepository = ReturnType<typeof createShipmentsRepository>;
