import {
  ordersEvents,
  readStoredEvent,
  toMoney,
  type OrdersEvents,
  type StoredEvent,
} from '@ordergraph/shared';
import { describeShipmentStep } from './shipment-steps.js';

const amount = (minorUnits: number, currency: string): string => {
  const money = toMoney(minorUnits, currency);
  return `${money.amount} ${money.currencyCode}`;
};

function sentence(event: StoredEvent<OrdersEvents>): string | null {
  switch (event.type) {
    case 'order.placed':
      return `Order ${event.payload.number} placed`;
    case 'order.cancelled':
      return event.payload.reason ? `Order cancelled: ${event.payload.reason}` : 'Order cancelled';
    case 'order.status_changed':
      return `Order is now ${event.payload.to.toLowerCase().replaceAll('_', ' ')}`;
    case 'payment.authorized':
      return `Payment of ${amount(event.payload.amount, event.payload.currency)} authorized`;
    case 'payment.captured':
      return `Payment of ${amount(event.payload.amount, event.payload.currency)} captured`;
    case 'payment.voided':
      return 'Payment authorization released';
    case 'payment.capture_failed':
      return `Payment of ${amount(event.payload.amount, event.payload.currency)} could not be captured`;
    case 'shipment.updated':
      return describeShipmentStep(event.payload);
    case 'return.requested':
      return 'Return requested';
    case 'return.approved':
      return 'Return approved';
    case 'return.rejected':
      return event.payload.reason ? `Return rejected: ${event.payload.reason}` : 'Return rejected';
    case 'return.received':
      return 'Returned items received';
    case 'refund.issued':
      return `Refund of ${amount(event.payload.amount, event.payload.currency)} issued`;
    // only staff see INTERNAL notes on the timeline (see notes.ts)
    case 'order.note_added':
      return event.payload.visibility === 'CUSTOMER'
        ? `Note: ${event.payload.text}`
        : `Internal note: ${event.payload.text}`;
    default:
      return null;
  }
}

/** A sentence for a timeline event, fit to show the customer. */
export function describeEvent({ type, payload }: { type: string; payload: unknown }): string {
  const event = readStoredEvent(ordersEvents, { type, payload });
  const told = event && sentence(event);
  if (told) return told;
  // an event type this version does not know yet (or one off the contract) still reads as something
  const words = type.replaceAll(/[._]/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
