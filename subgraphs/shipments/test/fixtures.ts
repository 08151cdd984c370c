import { systemActor, transaction } from '@ordergraph/shared';
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { DatabaseHandle } from '@ordergraph/shared';
import { carriers, shipments, trackingEvents, type ShipmentRow } from '../src/db/schema.js';
import type { ShipmentStatus } from '../src/shipment-status.js';
import { createFulfilment } from '../src/fulfilment.js';
import { trackingUrlFor } from '../src/shipments.js';

export const ADA = '00000000-0000-4000-8000-000000000001';
export const GRACE = '00000000-0000-4000-8000-000000000002';
export const WAREHOUSE = 'wh-east';

/** A PENDING shipment of a new order, made the way the order-confirmed consumer makes them. */
export async function createShipment(
  handle: DatabaseHandle,
  {
    customerId = ADA,
    orderId = randomUUID(),
    warehouseId = WAREHOUSE,
    lines = [{ orderLineId: randomUUID(), sku: 'TEE-BLK-M', quantity: 2 }],
  }: {
    customerId?: string;
    orderId?: string;
    warehouseId?: string;
    lines?: { orderLineId: string; sku: string; quantity: number }[];
  } = {},
): Promise<ShipmentRow> {
  const [shipment] = await transaction(handle.db, (tx) =>
    createFulfilment({
      db: tx,
      actor: systemActor('test'),
    }).createOrderShipments({
      orderId,
      customerId,
      allocations: [{ warehouseId, lines }],
    }),
  );
  if (!shipment) throw new Error(`order ${orderId} already has a shipment from ${warehouseId}`);
  return shipment;
}

export interface ScanFixture {
  status: ShipmentStatus;
  description: string;
  location?: string | null;
  occurredAt: string;
}

/**
 * Puts a shipment in the state shipping and carrier scans leave it in, writing the tables
 * directly so read paths can be tested on their own.
 */
export async function markShipped(
  handle: DatabaseHandle,
  {
    shipmentId,
    carrierCode,
    trackingNumber,
    shippedAt = '2026-11-20T09:00:00.000Z',
    estimatedDeliveryAt = '2026-11-23T18:00:00.000Z',
    scans = [],
  }: {
    shipmentId: string;
    carrierCode: string;
    trackingNumber: string;
    shippedAt?: string;
    estimatedDeliveryAt?: string;
    scans?: ScanFixture[];
  },
): Promise<void> {
  const [carrier] = await handle.db.select().from(carriers).where(eq(carriers.code, carrierCode));
  const latest = scans.at(-1);
  await handle.db
    .update(shipments)
    .set({
      status: latest?.status ?? 'SHIPPED',
      carrierCode,
      trackingNumber,
      trackingUrl: trackingUrlFor(carrier!.trackingUrlTemplate, trackingNumber),
      shippedAt: new Date(shippedAt),
      estimatedDeliveryAt: new Date(estimatedDeliveryAt),
      deliveredAt: latest?.status === 'DELIVERED' ? new Date(latest.occurredAt) : null,
      updatedAt: new Date(latest?.occurredAt ?? shippedAt),
    })
    .where(eq(shipments.id, shipmentId));
  if (scans.length === 0) return;
  await handle.db.insert(trackingEvents).values(
    scans.map((scan, index) => ({
      shipmentId,
      status: scan.status,
      description: scan.description,
      location: scan.location ?? null,
      occurredAt: new Date(scan.occurredAt),
      dedupeKey: `scan-${index}`,
    })),
  );
}

/**
 * Puts a shipment straight into any status, with a carrier and tracking number when given,
 * so each status can be the start of a test.
 */
export async function forceStatus(
  handle: DatabaseHandle,
  {
    shipmentId,
    status,
    carrierCode = null,
    trackingNumber = null,
    statusReportedAt = null,
  }: {
    shipmentId: string;
    status: ShipmentStatus;
    carrierCode?: string | null;
    trackingNumber?: string | null;
    statusReportedAt?: string | null;
  },
): Promise<ShipmentRow> {
  const [row] = await handle.db
    .update(shipments)
    .set({
      status,
      carrierCode,
      trackingNumber,
      statusReportedAt: statusReportedAt ? new Date(statusReportedAt) : null,
    })
    .where(eq(shipments.id, shipmentId))
    .returning();
  return row!;
}
