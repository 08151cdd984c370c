import {
  toMoney,
  type ContractEvent,
  type EventContract,
  type EventTypeOf,
  type OrdersEvents,
  type PayloadOf,
  type ShipmentsEvents,
} from '@ordergraph/shared';
import type { NotificationKind } from './db/schema.js';

/** The services whose events customers hear about. */
export type SourceService = 'orders' | 'shipments';

// an event of `C` of one of the types T, as far as notifications care: its type and payload
type Of<C extends EventContract, T extends EventTypeOf<C>> = {
  [K in T]: { type: K; payload: PayloadOf<C, K> };
}[T];

/** An event of another service that notifies a customer, read through its producer's contract. */
export type SourceEvent =
  | ({ source: 'orders' } & Of<
      OrdersEvents,
      'order.placed' | 'order.cancelled' | 'refund.issued' | 'invoice.issued' | 'order.note_added'
    >)
  | ({ source: 'shipments' } & Of<
      ShipmentsEvents,
      'shipment.shipped' | 'shipment.out_for_delivery' | 'shipment.delivered'
    >);

/** An event of either producer, as its consumer reads it. */
export type ProducerEvent = ContractEvent<OrdersEvents> | ContractEvent<ShipmentsEvents>;

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

/**
 * The event as one that notifies a customer, or null when its type notifies nobody: the
 * producers' contracts tell the payload of each type.
 */
export const notifyingEvent = (source: SourceService, event: ProducerEvent): SourceEvent | null =>
  notificationKindOf(source, event.type)
    ? ({ source, type: event.type, payload: event.payload } as SourceEvent)
    : null;

// blank words say nothing: left out of the message
const words = (value: string | null | undefined): string | null => value?.trim() || null;

const amount = (minorUnits: number, currency: string): string | null => {
  if (!Number.isSafeInteger(minorUnits) || !words(currency)) return null;
  const money = toMoney(minorUnits, currency);
  return `${money.amount} ${money.currencyCode}`;
};

const sentence = (...parts: (string | null | false)[]) => parts.filter(Boolean).join(' ');

/**
 * The notification an event becomes, worded for the customer, or null when the event notifies
 * nobody (or lacks what the customer must be told).
 */
export function describeNotification(
  event: SourceEvent,
  { customerName, orderNumber }: NotificationContext,
): NotificationText | null {
  const kind = notificationKindOf(event.source, event.type);
  const { payload } = event;
  if (!kind || !words(payload.customerId)) return null;
  const number = ('number' in payload ? words(payload.number) : null) ?? orderNumber;
  const order = number ? `your order ${number}` : 'your order';
  const Order = number ? `Order ${number}` : 'Your order';
  const hello = `Hello ${customerName},`;

  switch (event.type) {
    case 'order.placed': {
      const total = amount(event.payload.total, event.payload.currency);
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
    case 'order.cancelled': {
      const reason = words(event.payload.reason);
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
    case 'refund.issued': {
      const refunded = amount(event.payload.amount, event.payload.currency);
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
    case 'invoice.issued': {
      const invoice = words(event.payload.invoiceNumber);
      const total = amount(event.payload.total, event.payload.currency);
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
    case 'order.note_added': {
      // an INTERNAL note is staff's own: the customer never hears of it
      const note = words(event.payload.text);
      if (event.payload.visibility !== 'CUSTOMER' || !note) return null;
      return {
        kind,
        title: `A note on ${order}`,
        message: sentence(hello, `about ${order}:`, note),
      };
    }
    case 'shipment.shipped': {
      const carrier = words(event.payload.carrierCode)?.toUpperCase();
      const tracking = words(event.payload.trackingNumber);
      const url = words(event.payload.trackingUrl);
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
    case 'shipment.out_for_delivery':
      return {
        kind,
        title: `${Order} is out for delivery`,
        message: sentence(
          hello,
          `a package of ${order} is out for delivery and should arrive today.`,
        ),
      };
    case 'shipment.delivered': {
      const location = words(event.payload.location);
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
