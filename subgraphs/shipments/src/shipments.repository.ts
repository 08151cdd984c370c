import { and, asc, eq, sql } from 'drizzle-orm';
import {
  isUniqueViolation,
  isUuid,
  type ActorKind,
  type Database,
  anyOf,
} from '@ordergraph/shared';
import {
  cancelledOrders,
  carriers,
  shipmentLines,
  shipments,
  trackingEvents,
  type CarrierRow,
  type ShipmentLineRow,
  type ShipmentRow,
  type TrackingEventRow,
} from './db/schema.js';
import type { ShipmentStatus } from './shipment-status.js';

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

/** What a status change writes besides the status. */
export type ShipmentChanges = Partial<
  Pick<
    ShipmentRow,
    | 'carrierCode'
    | 'trackingNumber'
    | 'trackingUrl'
    | 'estimatedDeliveryAt'
    | 'shippedAt'
    | 'deliveredAt'
    | 'statusReportedAt'
  >
>;

export interface NewTrackingEvent {
  shipmentId: string;
  status: ShipmentStatus;
  description: string;
  location: string | null;
  occurredAt: Date;
  dedupeKey: string;
  actorKind: ActorKind;
  actorId: string | null;
  actorName: string | null;
}

/** Another parcel of the carrier already has this tracking number. */
export class TrackingNumberTakenError extends Error {
  constructor(readonly trackingNumber: string) {
    super(`tracking number ${trackingNumber} is taken`);
  }
}

// the key of the per-order lock that orders cancellation against shipment creation
const ORDER_LOCK_NAMESPACE = 'shipments:order:';

/** The shipments service's SQL, as plain functions over `db` (a transaction works too). */
export function createShipmentsRepository({ db }: { db: Database }) {
  return {
    async findByIds(ids: readonly string[]): Promise<ShipmentRow[]> {
      const valid = ids.filter(isUuid);
      if (valid.length === 0) return [];
      return db.select().from(shipments).where(anyOf(shipments.id, valid));
    },

    /** the shipments of each order, oldest first */
    async findByOrderIds(orderIds: readonly string[]): Promise<ShipmentRow[]> {
      if (orderIds.length === 0) return [];
      return db
        .select()
        .from(shipments)
        .where(anyOf(shipments.orderId, [...orderIds]))
        .orderBy(asc(shipments.createdAt), asc(shipments.id));
    },

    /** the lines of each shipment, by SKU */
    async findLinesByShipmentIds(shipmentIds: readonly string[]): Promise<ShipmentLineRow[]> {
      const valid = shipmentIds.filter(isUuid);
      if (valid.length === 0) return [];
      return db
        .select()
        .from(shipmentLines)
        .where(anyOf(shipmentLines.shipmentId, valid))
        .orderBy(asc(shipmentLines.sku), asc(shipmentLines.orderLineId));
    },

    /** the tracking events of each shipment, oldest first */
    async findEventsByShipmentIds(shipmentIds: readonly string[]): Promise<TrackingEventRow[]> {
      const valid = shipmentIds.filter(isUuid);
      if (valid.length === 0) return [];
      return db
        .select()
        .from(trackingEvents)
        .where(anyOf(trackingEvents.shipmentId, valid))
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

    /** every carrier, by name; only active or inactive ones when `active` is given */
    async listCarriers({ active }: { active?: boolean | null } = {}): Promise<CarrierRow[]> {
      return db
        .select()
        .from(carriers)
        .where(active == null ? undefined : eq(carriers.active, active))
        .orderBy(asc(carriers.name));
    },

    async findCarriersByCodes(codes: readonly string[]): Promise<CarrierRow[]> {
      if (codes.length === 0) return [];
      return db
        .select()
        .from(carriers)
        .where(anyOf(carriers.code, [...codes]));
    },

    /**
     * Creates a PENDING shipment with its lines; null when the order already has its shipment
     * from that warehouse. Run it in a transaction: the caller appends `shipment.created`.
     */
    async insertShipment({
      orderId,
      customerId,
      warehouseId,
      lines,
    }: NewShipment): Promise<ShipmentRow | null> {
      if (lines.length === 0) throw new Error('a shipment needs at least one line');
      const [shipment] = await db
        .insert(shipments)
        .values({ orderId, customerId, warehouseId })
        .onConflictDoNothing({ target: [shipments.orderId, shipments.warehouseId] })
        .returning();
      if (!shipment) return null;
      await db
        .insert(shipmentLines)
        .values(lines.map((line) => ({ shipmentId: shipment.id, ...line })));
      return shipment;
    },

    // the locks below hold until the caller's transaction ends: two workers acting on one
    // shipment take turns, and the second sees what the first did

    async lockById(id: string): Promise<ShipmentRow | null> {
      if (!isUuid(id)) return null;
      const [row] = await db.select().from(shipments).where(eq(shipments.id, id)).for('update');
      return row ?? null;
    },

    async lockByTracking({
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
        )
        .for('update');
      return row ?? null;
    },

    /**
     * Serializes everything that creates or cancels an order's shipments, until the caller's
     * transaction ends. Its own statement: the next one's snapshot sees what the holder before
     * committed (READ COMMITTED takes a statement's snapshot before it waits for a lock).
     */
    async serializeOrder(orderId: string): Promise<void> {
      await db.execute(
        sql`select pg_advisory_xact_lock(hashtextextended(${ORDER_LOCK_NAMESPACE + orderId}, 0))`,
      );
    },

    /**
     * Serializes everything that creates or cancels an order's shipments, then locks the
     * shipments it already has (in id order, so two lockers never deadlock).
     */
    async lockOrder(orderId: string): Promise<ShipmentRow[]> {
      await this.serializeOrder(orderId);
      return db
        .select()
        .from(shipments)
        .where(eq(shipments.orderId, orderId))
        .orderBy(asc(shipments.id))
        .for('update');
    },

    /** Moves a locked shipment to `status` with the changes that go with it. */
    async updateStatus({
      id,
      status,
      changes = {},
    }: {
      id: string;
      status: ShipmentStatus;
      changes?: ShipmentChanges;
    }): Promise<ShipmentRow> {
      try {
        const [row] = await db
          .update(shipments)
          .set({ ...changes, status, updatedAt: sql`now()` })
          .where(eq(shipments.id, id))
          .returning();
        if (!row) throw new Error(`shipment ${id} vanished`);
        return row;
      } catch (error) {
        if (isUniqueViolation(error) && changes.trackingNumber)
          throw new TrackingNumberTakenError(changes.trackingNumber);
        throw error;
      }
    },

    async isTrackingNumberTaken({
      carrierCode,
      trackingNumber,
    }: {
      carrierCode: string;
      trackingNumber: string;
    }): Promise<boolean> {
      const found = await db
        .select({ id: shipments.id })
        .from(shipments)
        .where(
          and(eq(shipments.carrierCode, carrierCode), eq(shipments.trackingNumber, trackingNumber)),
        );
      return found.length > 0;
    },

    /** Records a carrier report; null when the same report was recorded before. */
    async insertTrackingEvent(event: NewTrackingEvent): Promise<TrackingEventRow | null> {
      const [row] = await db
        .insert(trackingEvents)
        .values(event)
        .onConflictDoNothing({ target: [trackingEvents.shipmentId, trackingEvents.dedupeKey] })
        .returning();
      return row ?? null;
    },

    async touch(id: string): Promise<void> {
      await db
        .update(shipments)
        .set({ updatedAt: sql`now()` })
        .where(eq(shipments.id, id));
    },

    /** Remembers that an order's shipments were cancelled (a no-op the second time). */
    async insertCancelledOrder(orderId: string): Promise<void> {
      await db.insert(cancelledOrders).values({ orderId }).onConflictDoNothing();
    },

    async isOrderCancelled(orderId: string): Promise<boolean> {
      const found = await db
        .select({ orderId: cancelledOrders.orderId })
        .from(cancelledOrders)
        .where(eq(cancelledOrders.orderId, orderId));
      return found.length > 0;
    },
  };
}

export type ShipmentsRepository = ReturnType<typeof createShipmentsRepository>;
