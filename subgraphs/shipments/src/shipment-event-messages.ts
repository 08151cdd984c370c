import {
  readStoredEvent,
  shipmentsEvents,
  type ShipmentsEvents,
  type StoredEvent,
} from '@ordergraph/shared';

/** How the warehouse's steps read; carrier reports read as the carrier worded them. */
function step(event: StoredEvent<ShipmentsEvents>): string | null {
  switch (event.type) {
    case 'shipment.created':
      return 'Shipment created; the warehouse will prepare it';
    case 'shipment.picking':
      return 'The warehouse is picking the items';
    case 'shipment.packed':
      return 'Packed and waiting for the carrier';
    case 'shipment.shipped': {
      const carrier = event.payload.carrierCode?.toUpperCase();
      const tracking = event.payload.trackingNumber;
      return `Shipped${carrier ? ` with ${carrier}` : ''}${tracking ? `, tracking ${tracking}` : ''}`;
    }
    case 'shipment.cancelled':
      return 'Shipment cancelled';
    case 'carrier.created':
    case 'carrier.updated':
      return null;
  }
  const { description, location } = event.payload;
  return description ? `${description}${location ? ` (${location})` : ''}` : null;
}

/**
 * A sentence for a shipment event, fit to show the customer, e.g. "Shipped with UPS, tracking
 * 1Z999AA10123456784" or "Arrived at facility (Louisville, KY, US)".
 */
export function describeShipmentEvent({ type, payload }: { type: string; payload: unknown }) {
  const event = readStoredEvent(shipmentsEvents, { type, payload });
  const told = event && step(event);
  if (told) return told;
  // an event type this version does not know yet (or one off the contract) still reads as something
  const words = type.replaceAll(/[._]/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
