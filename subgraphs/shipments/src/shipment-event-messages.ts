type Payload = Record<string, unknown>;

const text = (value: unknown) => (typeof value === 'string' && value ? value : null);

/** How the warehouse's steps read; carrier reports read as the carrier worded them. */
const STEPS: Record<string, (payload: Payload) => string> = {
  'shipment.created': () => 'Shipment created; the warehouse will prepare it',
  'shipment.picking': () => 'The warehouse is picking the items',
  'shipment.packed': () => 'Packed and waiting for the carrier',
  'shipment.shipped': (p) => {
    const carrier = text(p['carrierCode'])?.toUpperCase();
    const tracking = text(p['trackingNumber']);
    return `Shipped${carrier ? ` with ${carrier}` : ''}${tracking ? `, tracking ${tracking}` : ''}`;
  },
  'shipment.cancelled': () => 'Shipment cancelled',
};

/**
 * A sentence for a shipment event, fit to show the customer, e.g. "Shipped with UPS, tracking
 * 1Z999AA10123456784" or "Arrived at facility (Louisville, KY, US)".
 */
export function describeShipmentEvent({ type, payload }: { type: string; payload: Payload }) {
  const step = STEPS[type];
  if (step) return step(payload);
  const description = text(payload['description']);
  const location = text(payload['location']);
  if (description) return `${description}${location ? ` (${location})` : ''}`;
  // an event type this version does not know yet still reads as something
  const words = type.replaceAll(/[._]/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
