type Payload = Record<string, unknown>;

const text = (value: unknown) => (typeof value === 'string' && value ? value : null);

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
 * UPS, tracking 1Z999AA10123456784" or "Out for delivery (Newark, NJ)".
 */
export function describeShipmentStep(payload: Payload): string {
  const from = `Shipment from ${text(payload['warehouseCode']) ?? text(payload['warehouseId']) ?? 'the warehouse'}`;
  const status = text(payload['status']) ?? '';
  switch (status) {
    case 'PENDING':
      return `${from} is being prepared`;
    case 'PICKING':
      return `${from} is being picked`;
    case 'PACKED':
      return `${from} is packed`;
    case 'SHIPPED': {
      const carrier = text(payload['carrierCode'])?.toUpperCase();
      const tracking = text(payload['trackingNumber']);
      return `${from} shipped${carrier ? ` with ${carrier}` : ''}${tracking ? `, tracking ${tracking}` : ''}`;
    }
    case 'CANCELLED':
      return `${from} cancelled`;
  }
  const step = JOURNEY[status] ?? status.toLowerCase().replaceAll('_', ' ');
  const location = text(payload['location']);
  const detail = status === 'EXCEPTION' ? text(payload['description']) : null;
  return `${step}${detail ? `: ${detail}` : ''}${location ? ` (${location})` : ''}`;
}
