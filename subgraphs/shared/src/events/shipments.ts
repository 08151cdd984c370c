import { z } from 'zod';
import { actorSchema, defineEventContract, versioned } from './contract.js';

// every shipment event names the shipment, its order, customer and warehouse, and the status
// before and after
const step = {
  shipmentId: z.string().min(1),
  orderId: z.string().min(1),
  customerId: z.string().min(1),
  warehouseId: z.string().min(1),
  status: z.string(),
  previousStatus: z.string().nullable(),
  actor: actorSchema.optional(),
};
const lines = z.array(
  z.object({
    orderLineId: z.string().min(1),
    sku: z.string().min(1),
    quantity: z.number().int().positive(),
  }),
);
// what a carrier's report adds
const report = {
  description: z.string().nullable().optional(),
  location: z.string().nullable().optional(),
  occurredAt: z.string().optional(),
};
const warehouseStep = z.object(step);
const carrierStep = z.object({ ...step, ...report });
const carrier = z.object({
  code: z.string().min(1),
  name: z.string(),
  trackingUrlTemplate: z.string(),
  transitDays: z.number().int(),
  active: z.boolean(),
});

/** The events of the shipments service's log (`shipmentsEventLog`), by type. */
export const shipmentsEvents = defineEventContract('shipments', {
  'shipment.created': versioned(1, z.object({ ...step, lines })),
  'shipment.picking': versioned(1, warehouseStep),
  'shipment.packed': versioned(1, warehouseStep),
  // the warehouse's hand-over names carrier, tracking and lines; a carrier's report, its words
  'shipment.shipped': versioned(
    1,
    z.object({
      ...step,
      ...report,
      carrierCode: z.string().nullable().optional(),
      trackingNumber: z.string().nullable().optional(),
      trackingUrl: z.string().nullable().optional(),
      lines: lines.optional(),
    }),
  ),
  'shipment.in_transit': versioned(1, carrierStep),
  'shipment.out_for_delivery': versioned(1, carrierStep),
  'shipment.delivered': versioned(1, carrierStep),
  'shipment.failed_attempt': versioned(1, carrierStep),
  'shipment.exception': versioned(1, carrierStep),
  'shipment.returned_to_sender': versioned(1, carrierStep),
  'shipment.cancelled': versioned(1, warehouseStep),
  // a carrier report that moves nothing (late, or repeating the status): history only
  'shipment.tracking_recorded': versioned(
    1,
    z.object({ ...step, ...report, trackingStatus: z.string() }),
  ),
  'carrier.created': versioned(1, carrier),
  'carrier.updated': versioned(1, carrier.extend({ changed: z.array(z.string()) })),
});

export type ShipmentsEvents = typeof shipmentsEvents;
