import { toMoney } from '@ordergraph/shared';
import type { NotificationKind } from './db/schema.js';

/** The services whose events customers hear about. */
export type SourceService = 'orders' | 'shipments';

/** An event of another service, as far as notifications care. */
export interface SourceEvent {
  source: SourceService;
  type: string;
  payload: Record<string, unknown>;
}

/** What the notifying service knows besides the event: from its own tables. */
export interface NotificationContext {
  customerName: string;
  /** the order's number when an earlier event told it; events after `order.placed` lack it */
  orderNumber: string | null;
}

export interface NotificationText {
  kind: NotificationKind;
  title: string;
  message: string;
}

const KINDS: Record<SourceService, Record<string, NotificationKind>> = {
  orders: {
    'order.placed': 'ORDER_CONFIRMED',
    'order.cancelled': 'ORDER_CANCELLED',
    'refund.issued': 'REFUND_ISSUED',
    'invoice.issued': 'INVOICE_ISSUED',
    'order.note_added': 'ORDER_NOTE',
  },
  shipments: {
    'shipment.shipped': 'ORDER_SHIPPED',
    'shipment.out_for_delivery': 'OUT_FOR_DELIVERY',
    'shipment.delivered': 'ORDER_DELIVERED',
  },
};

/** The event types of `source` that notify a customer: all the consumer is sent. */
export const notifyingEventTypes = (source: SourceService): string[] => Object.keys(KINDS[source]);

/** The kind of notification an event of `source` becomes, or null when it notifies nobody. */
export const notificationKindOf = (source: SourceService, type: string): NotificationKind | null =>
  Object.hasOwn(KINDS[source], type) ? KINDS[source][type]! : null;

const text = (value: unknown): string | null =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : null;

const amount = (payload: Record<string, unknown>, field: string): string | null => {
  const minorUnits = payload[field];
  const currency = text(payload['currency']);
  if (typeof minorUnits !== 'number' || !Number.isSafeInteger(minorUnits) || !currency) {
    return null;
  }
  const money = toMoney(minorUnits, currency);
  return `${money.amount} ${money.currencyCode}`;
};

const sentence = (...parts: (string | null | false)[]) => parts.filter(Boolean).join(' ');

/**
 * The notification an event becomes, worded for the customer, or null when the event notifies
 * nobody (or lacks what the customer must be told).
 */
export function describeNotification(
  { source, type, payload }: SourceEvent,
  { customerName, orderNumber }: NotificationContext,
): NotificationText | null {
  const kind = notificationKindOf(source, type);
  if (!kind || !text(payload['customerId'])) return null;
  const number = text(payload['number']) ?? orderNumber;
  const order = number ? `your order ${number}` : 'your order';
  const Order = number ? `Order ${number}` : 'Your order';
  const hello = `Hello ${customerName},`;

  switch (kind) {
    case 'ORDER_CONFIRMED': {
      const total = amount(payload, 'total');
      return {
        kind,
        title: `${Order} is confirmed`,
        message: sentence(
          hello,
          `thank you for ${order}.`,
          total && `Total: ${total}.`,
          'We will let you know when it ships.',
        ),
      };
    }
    case 'ORDER_CANCELLED': {
      const reason = text(payload['reason']);
      return {
        kind,
        title: `${Order} is cancelled`,
        message: sentence(
          hello,
          `${order} has been cancelled.`,
          reason && `Reason: ${reason}.`,
          'Your payment authorization has been released; you will not be charged.',
        ),
      };
    }
    case 'REFUND_ISSUED': {
      const refunded = amount(payload, 'amount');
      return {
        kind,
        title: number ? `Refund issued for order ${number}` : 'Refund issued',
        message: sentence(
          hello,
          refunded
            ? `we have refunded ${refunded} for ${order}.`
            : `we have issued a refund for ${order}.`,
          'It may take a few days to appear on your statement.',
        ),
      };
    }
    case 'INVOICE_ISSUED': {
      const invoice = text(payload['invoiceNumber']);
      const total = amount(payload, 'total');
      return {
        kind,
        title: invoice ? `Invoice ${invoice} for ${order}` : `An invoice for ${order}`,
        message: sentence(
          hello,
          `we have issued ${invoice ? `invoice ${invoice}` : 'an invoice'} for ${order}.`,
          total && `Amount charged: ${total}.`,
          'You can download it with your order.',
        ),
      };
    }
    case 'ORDER_NOTE': {
      // an INTERNAL note is staff's own: the customer never hears of it
      const note = text(payload['text']);
      if (payload['visibility'] !== 'CUSTOMER' || !note) return null;
      return {
        kind,
        title: `A note on ${order}`,
        message: sentence(hello, `about ${order}:`, note),
      };
    }
    case 'ORDER_SHIPPED': {
      const carrier = text(payload['carrierName']) ?? text(payload['carrierCode'])?.toUpperCase();
      const tracking = text(payload['trackingNumber']);
      const url = text(payload['trackingUrl']);
      return {
        kind,
        title: `${Order} has shipped`,
        message: sentence(
          hello,
          `a package of ${order} is on its way${carrier ? ` with ${carrier}` : ''}.`,
          tracking && `Tracking number: ${tracking}.`,
          url && `Follow it at ${url}`,
        ),
      };
    }
    case 'OUT_FOR_DELIVERY':
      return {
        kind,
        title: `${Order} is out for delivery`,
        message: sentence(
          hello,
          `a package of ${order} is out for delivery and should arrive today.`,
        ),
      };
    case 'ORDER_DELIVERED': {
      const location = text(payload['location']);
      return {
        kind,
        title: `${Order} was delivered`,
        message: sentence(
          hello,
          `a package of ${order} was delivered${location ? ` (${location})` : ''}.`,
          'We hope you enjoy it.',
        ),
      };
    }
  }
}

/** How long the dispatcher waits before the next try after `attempts` failed ones. */
export function retryDelayMs(attempts: number): number {
  return Math.min(60 * 60_000, 5_000 * 2 ** Math.max(0, attempts - 1));
}

/** What markNotificationRead's stored result holds. */
export type MarkNotificationReadSuccessResult = {
  __typename: 'MarkNotificationReadSuccess';
  notificationId: string;
};
