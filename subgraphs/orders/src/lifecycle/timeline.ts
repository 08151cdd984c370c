import { toMoney } from '@ordergraph/shared';
import { describeShipmentStep } from './shipment-steps.js';

type Payload = Record<string, unknown>;

const text = (value: unknown) => (typeof value === 'string' ? value : '');

function amount(payload: Payload): string {
  const minor = payload['amount'];
  const currency = text(payload['currency']);
  if (typeof minor !== 'number' || !currency) return 'the order amount';
  const money = toMoney(minor, currency);
  return `${money.amount} ${money.currencyCode}`;
}

const SENTENCES: Record<string, (payload: Payload) => string> = {
  'order.placed': (p) => `Order ${text(p['number'])} placed`,
  'order.cancelled': (p) =>
    p['reason'] ? `Order cancelled: ${text(p['reason'])}` : 'Order cancelled',
  'order.status_changed': (p) => `Order is now ${text(p['to']).toLowerCase().replaceAll('_', ' ')}`,
  'payment.authorized': (p) => `Payment of ${amount(p)} authorized`,
  'payment.captured': (p) => `Payment of ${amount(p)} captured`,
  'payment.voided': () => 'Payment authorization released',
  'payment.capture_failed': (p) => `Payment of ${amount(p)} could not be captured`,
  'shipment.updated': describeShipmentStep,
  'payment.refunded': (p) => `Refund of ${amount(p)} issued`,
  'return.requested': () => 'Return requested',
  'return.approved': () => 'Return approved',
  'return.rejected': (p) =>
    p['reason'] ? `Return rejected: ${text(p['reason'])}` : 'Return rejected',
  'return.received': () => 'Returned items received',
  'refund.issued': (p) => `Refund of ${amount(p)} issued`,
  // only staff see INTERNAL notes on the timeline (see notes.ts)
  'order.note_added': (p) =>
    p['visibility'] === 'CUSTOMER'
      ? `Note: ${text(p['text'])}`
      : `Internal note: ${text(p['text'])}`,
};

/** A sentence for a timeline event, fit to show the customer. */
export function describeEvent({ type, payload }: { type: string; payload: Payload }): string {
  const sentence = SENTENCES[type];
  if (sentence) return sentence(payload);
  // an event type this version does not know yet still reads as something
  const words = type.replaceAll(/[._]/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
