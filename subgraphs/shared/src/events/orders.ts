import { z } from 'zod';
import { actorSchema, defineEventContract, minorUnits, versioned } from './contract.js';

// what most of the orders service's events name: the order and whose it is
const ofOrder = { orderId: z.string().min(1), customerId: z.string().min(1) };
const money = { amount: minorUnits, currency: z.string().min(1) };
const returnLine = {
  orderLineId: z.string().min(1),
  sku: z.string().min(1),
  quantity: z.number().int().positive(),
};

/** The events of the orders service's log (`ordersEventLog`), by type. */
export const ordersEvents = defineEventContract('orders', {
  'order.placed': versioned(
    1,
    z.object({
      ...ofOrder,
      number: z.string().min(1),
      lines: z.array(
        z.object({
          id: z.string().min(1),
          sku: z.string().min(1),
          quantity: z.number().int().positive(),
          unitPrice: minorUnits,
          total: minorUnits,
        }),
      ),
      // the warehouses the order's units come from: a shipment each
      allocations: z.array(
        z.object({
          warehouseId: z.string().min(1),
          lines: z.array(
            z.object({
              orderLineId: z.string().min(1),
              sku: z.string().min(1),
              quantity: z.number().int().positive(),
            }),
          ),
        }),
      ),
      promoCode: z.string().nullable(),
      currency: z.string().min(1),
      subtotal: minorUnits,
      discountTotal: minorUnits,
      shippingTotal: minorUnits,
      taxTotal: minorUnits,
      total: minorUnits,
      actor: actorSchema.optional(),
    }),
  ),
  'order.cancelled': versioned(
    1,
    z.object({
      ...ofOrder,
      number: z.string().min(1),
      reason: z.string().nullable(),
      cancelledBy: z.string(),
      actor: actorSchema.optional(),
    }),
  ),
  'order.status_changed': versioned(
    1,
    z.object({
      ...ofOrder,
      number: z.string().min(1),
      from: z.string(),
      to: z.string(),
      actor: actorSchema.optional(),
    }),
  ),
  'order.note_added': versioned(
    1,
    z.object({
      ...ofOrder,
      number: z.string().min(1),
      noteId: z.string().min(1),
      visibility: z.enum(['INTERNAL', 'CUSTOMER']),
      text: z.string(),
      actor: actorSchema.optional(),
    }),
  ),
  'payment.authorized': versioned(
    1,
    z.object({
      orderId: z.string().min(1),
      paymentId: z.string().min(1),
      provider: z.string(),
      authorizationId: z.string(),
      ...money,
      actor: actorSchema.optional(),
    }),
  ),
  'payment.captured': versioned(
    1,
    z.object({
      ...ofOrder,
      shipmentId: z.string().min(1),
      ...money,
      captureId: z.string().nullable(),
      actor: actorSchema.optional(),
    }),
  ),
  'payment.capture_failed': versioned(
    1,
    z.object({
      ...ofOrder,
      shipmentId: z.string().min(1),
      ...money,
      reason: z.string(),
      actor: actorSchema.optional(),
    }),
  ),
  'payment.voided': versioned(1, z.object({ ...ofOrder, ...money, actor: actorSchema.optional() })),
  'shipment.updated': versioned(
    1,
    z.object({
      ...ofOrder,
      shipmentId: z.string().min(1),
      status: z.string(),
      previousStatus: z.string().nullable(),
      warehouseId: z.string(),
      warehouseCode: z.string(),
      carrierCode: z.string().nullable(),
      trackingNumber: z.string().nullable(),
      trackingUrl: z.string().nullable(),
      description: z.string().nullable(),
      location: z.string().nullable(),
      occurredAt: z.string(),
      actor: actorSchema.optional(),
    }),
  ),
  'return.requested': versioned(
    1,
    z.object({
      ...ofOrder,
      returnId: z.string().min(1),
      reason: z.string().nullable(),
      lines: z.array(z.object({ ...returnLine, amount: minorUnits })),
      ...money,
      requestedBy: z.string().nullable(),
      actor: actorSchema.optional(),
    }),
  ),
  'return.approved': versioned(
    1,
    z.object({
      ...ofOrder,
      returnId: z.string().min(1),
      decidedBy: z.string().nullable(),
      actor: actorSchema.optional(),
    }),
  ),
  'return.rejected': versioned(
    1,
    z.object({
      ...ofOrder,
      returnId: z.string().min(1),
      reason: z.string().nullable(),
      decidedBy: z.string().nullable(),
      actor: actorSchema.optional(),
    }),
  ),
  'return.received': versioned(
    1,
    z.object({
      ...ofOrder,
      returnId: z.string().min(1),
      lines: z.array(
        z.object({ ...returnLine, disposition: z.string(), warehouseId: z.string().nullable() }),
      ),
      receivedBy: z.string().nullable(),
      actor: actorSchema.optional(),
    }),
  ),
  'refund.issued': versioned(
    1,
    z.object({ ...ofOrder, returnId: z.string().min(1), ...money, actor: actorSchema.optional() }),
  ),
  'invoice.issued': versioned(
    1,
    z.object({
      ...ofOrder,
      number: z.string().min(1),
      invoiceId: z.string().min(1),
      invoiceNumber: z.string().min(1),
      total: minorUnits,
      currency: z.string().min(1),
    }),
  ),
  'credit_note.issued': versioned(
    1,
    z.object({
      ...ofOrder,
      number: z.string().min(1),
      creditNoteId: z.string().min(1),
      creditNoteNumber: z.string().min(1),
      invoiceNumber: z.string().min(1),
      total: minorUnits,
      currency: z.string().min(1),
    }),
  ),
});

export type OrdersEvents = typeof ordersEvents;
