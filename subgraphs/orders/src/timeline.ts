import { toMoney } from '@ordergraph/shared';

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
  'order.status_changed': (p) =>
    `Order is now ${text(p['status']).toLowerCase().replaceAll('_', ' ')}`,
  'payment.authorized': (p) => `Payment of ${amount(p)} authorized`,
  'payment.captured': (p) => `Payment of ${amount(p)} captured`,
  'payment.voided': () => 'Payment authorization released',
  'payment.refunded': (p) => `Refund of ${amount(p)} issued`,
  'return.requested': () => 'Return requested',
};

/** A sentence for a timeline event, fit to show the customer. */
export function describeEvent({ type, payload }: { type: string; payload: Payload }): string {
  const sentence = SENTENCES[type];
  if (sentence) return sentence(payload);
  // an event type this version does not know yet still reads as something
  const words = type.replaceAll(/[._]/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
