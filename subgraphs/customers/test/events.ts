import { ordersEvents, readEvent, shipmentsEvents, type ConsumedEvent } from '@ordergraph/shared';
import type { ProducerEvent, SourceService } from '../src/notifications.js';
import { DEMO_CUSTOMERS } from '../src/seed.js';

export const ADA = DEMO_CUSTOMERS[0].id;
export const GRACE = DEMO_CUSTOMERS[1].id;
export const ORDER_ID = '5a1e0000-0000-4000-8000-000000000042';
export const SHIPMENT_ID = '5a1e0000-0000-4000-8000-0000000005e1';

const shipment = {
  shipmentId: SHIPMENT_ID,
  orderId: ORDER_ID,
  customerId: ADA,
  warehouseId: 'wh-east',
};

/** Payloads as the orders and shipments services write them (see the issue 3 contract). */
export const payloads = {
  placed: {
    orderId: ORDER_ID,
    customerId: ADA,
    number: 'OG-100042',
    lines: [{ id: 'line-1', sku: 'TEE-CLASSIC-BLK-M', quantity: 2, unitPrice: 2500, total: 5000 }],
    allocations: [
      { warehouseId: 'wh-east', lines: [{ orderLineId: 'line-1', sku: 'TEE', quantity: 2 }] },
    ],
    promoCode: null,
    currency: 'USD',
    subtotal: 5000,
    discountTotal: 0,
    shippingTotal: 500,
    taxTotal: 0,
    total: 5500,
  },
  authorized: {
    orderId: ORDER_ID,
    paymentId: 'pay-1',
    provider: 'test',
    authorizationId: 'auth_1',
    amount: 5500,
    currency: 'USD',
  },
  cancelled: {
    orderId: ORDER_ID,
    customerId: ADA,
    number: 'OG-100042',
    reason: 'Ordered by mistake',
    cancelledBy: 'customer',
  },
  refunded: {
    orderId: ORDER_ID,
    customerId: ADA,
    returnId: 'ret-1',
    amount: 2500,
    currency: 'USD',
  },
  shipped: {
    ...shipment,
    status: 'SHIPPED',
    previousStatus: 'PACKED',
    carrierCode: 'ups',
    trackingNumber: '1Z999AA10123456784',
    trackingUrl: 'https://www.ups.com/track?tracknum=1Z999AA10123456784',
    lines: [{ orderLineId: 'line-1', sku: 'TEE-CLASSIC-BLK-M', quantity: 2 }],
  },
  outForDelivery: {
    ...shipment,
    status: 'OUT_FOR_DELIVERY',
    previousStatus: 'IN_TRANSIT',
    description: 'Out for delivery',
    location: 'London',
    occurredAt: '2026-11-30T07:12:00.000Z',
  },
  delivered: {
    ...shipment,
    status: 'DELIVERED',
    previousStatus: 'OUT_FOR_DELIVERY',
    description: 'Delivered, left with the concierge',
    location: 'London',
    occurredAt: '2026-11-30T11:40:00.000Z',
  },
};

/** An event as a consumer receives it from a producer's feed. */
export const consumed = (
  seq: number,
  type: string,
  payload: Record<string, unknown>,
): ConsumedEvent => ({
  seq,
  type,
  streamType: type.startsWith('shipment.') ? 'shipment' : 'order',
  streamId: String(payload['shipmentId'] ?? payload['orderId']),
  payload,
  occurredAt: new Date('2026-11-27T12:00:00.000Z'),
});

/** An event read as its consumer reads it, through its producer's contract; throws when it would be parked. */
export function readAs(source: SourceService, event: ConsumedEvent): ProducerEvent {
  const read =
    source === 'orders' ? readEvent(ordersEvents, event) : readEvent(shipmentsEvents, event);
  if (!read.ok) throw new Error(`the consumer would park it: ${read.reason}`);
  return read.event;
}
