import { z } from 'zod';
import { defineEventContract, versioned } from './contract.js';

const units = z.number().int();
const atLevel = { sku: z.string().min(1), warehouseId: z.string().min(1) };
// the level after the change
const level = { onHand: units, reserved: units };
const allocations = z.array(z.object({ ...atLevel, quantity: units }));
const money = z.object({ amount: z.string(), currencyCode: z.string() });
const warehouse = z.object({
  id: z.string().min(1),
  code: z.string().min(1),
  name: z.string(),
  line1: z.string().nullable(),
  line2: z.string().nullable(),
  city: z.string(),
  region: z.string().nullable(),
  postalCode: z.string().nullable(),
  country: z.string(),
  priority: z.number().int(),
  active: z.boolean(),
});
const purchaseOrder = {
  purchaseOrderId: z.string().min(1),
  supplierId: z.string().min(1),
  warehouseId: z.string().min(1),
};

/** The events of the inventory's log (`inventoryEventLog`), by type. */
export const inventoryEvents = defineEventContract('inventory', {
  'stock.received': versioned(1, z.object({ ...atLevel, quantity: units, ...level })),
  'stock.adjusted': versioned(
    1,
    z.object({
      ...atLevel,
      delta: units,
      reason: z.string(),
      note: z.string().nullable(),
      ...level,
    }),
  ),
  'stock.written_off': versioned(
    1,
    z.object({
      ...atLevel,
      quantity: units,
      reason: z.string(),
      note: z.string().nullable(),
      ...level,
    }),
  ),
  'stock.returned': versioned(
    1,
    z.object({ returnId: z.string().min(1), ...atLevel, quantity: units, ...level }),
  ),
  'stock.low': versioned(1, z.object({ ...atLevel, available: units, threshold: units })),
  'stock.low_threshold_set': versioned(
    1,
    z.object({ ...atLevel, threshold: units, previous: units.nullable() }),
  ),
  'stock.reserved': versioned(1, z.object({ reservationId: z.string().min(1), allocations })),
  'stock.released': versioned(1, z.object({ reservationId: z.string().min(1), allocations })),
  'stock.expired': versioned(1, z.object({ reservationId: z.string().min(1), allocations })),
  'stock.sold': versioned(
    1,
    z.object({
      reservationId: z.string().min(1),
      warehouseId: z.string().min(1),
      shipmentId: z.string().nullable(),
      allocations,
    }),
  ),
  'warehouse.created': versioned(1, warehouse),
  'warehouse.updated': versioned(1, warehouse.extend({ changed: z.array(z.string()) })),
  'warehouse.deactivated': versioned(1, warehouse),
  'purchase_order.submitted': versioned(
    1,
    z.object({
      ...purchaseOrder,
      lines: z.array(z.object({ sku: z.string().min(1), quantity: units })),
      total: money,
      expectedAt: z.string(),
      // the id of the user who did it (purchasing events keep the id alone)
      actor: z.string().nullable(),
    }),
  ),
  'purchase_order.cancelled': versioned(
    1,
    z.object({
      ...purchaseOrder,
      previousStatus: z.string(),
      cancelled: z.array(z.object({ sku: z.string().min(1), quantity: units })),
      reason: z.string().nullable(),
      actor: z.string().nullable(),
    }),
  ),
  'purchase_order.received': versioned(
    1,
    z.object({
      ...purchaseOrder,
      receiptId: z.number().int(),
      status: z.string(),
      lines: z.array(z.object({ sku: z.string().min(1), quantity: units, damaged: units })),
      total: money,
      actor: z.string().nullable(),
    }),
  ),
});

export type InventoryEvents = typeof inventoryEvents;
