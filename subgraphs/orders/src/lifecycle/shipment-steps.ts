import type { PayloadOf, OrdersEvents } from '@ordergraph/shared';

/** What a `shipment.updated` entry tells, as the orders contract says. */
export type ShipmentStep = Pick<
  PayloadOf<OrdersEvents, 'shipment.updated'>,
  'warehouseId' | 'status'
> &
  Partial<PayloadOf<OrdersEvents, 'shipment.updated'>>;

/** How each step of a parcel's journey reads once it has left the warehouse. */
const JOURNEY: Record<string, string> = {
  IN_TRANSIT: 'In transit',
  OUT_FOR_DELIVERY: 'Out for delivery',
  DELIVERED: 'Delivered',
  FAILED_ATTEMPT: 'Delivery attempt failed',
  EXCEPTION: 'Delivery problem',
  RETURNED_TO_SENDER: 'Returned to sender',
};

/**
 * A sentence for a `shipment.updated` timeline entry, e.g. "Shipment from EAST shipped with
 * UPS, tracking 1Z999AA10123456784" or "Out for delivery (Newark, NJ)". Blank words are left out.
 */
export function describeShipmentStep(step: ShipmentStep): string {
  const from = `Shipment from ${step.warehouseCode || step.warehouseId || 'the warehouse'}`;
  switch (step.status) {
    case 'PENDING':
      return `${from} is being prepared`;
    case 'PICKING':
      return `${from} is being picked`;
    case 'PACKED':
      return `${from} is packed`;
    case 'SHIPPED': {
      const carrier = step.carrierCode?.toUpperCase();
      const tracking = step.trackingNumber;
      return `${from} shipped${carrier ? ` with ${carrier}` : ''}${tracking ? `, tracking ${tracking}` : ''}`;
    }
    case 'CANCELLED':
      return `${from} cancelled`;
  }
  const journey = JOURNEY[step.status] ?? step.status.toLowerCase().replaceAll('_', ' ');
  const detail = step.status === 'EXCEPTION' ? step.description : null;
  return `${journey}${detail ? `: ${detail}` : ''}${step.location ? ` (${step.location})` : ''}`;
}
