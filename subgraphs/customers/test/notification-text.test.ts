import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ordersEvents, readEvent } from '@ordergraph/shared';
import {
  describeNotification,
  notificationKindOf,
  notifyingEvent,
  retryDelayMs,
  type ProducerEvent,
} from '../src/notifications.js';
import { ADA, consumed, ORDER_ID, payloads, SHIPMENT_ID } from './events.js';

const ada = { customerName: 'Ada Lovelace', orderNumber: null };
const remembered = { customerName: 'Ada Lovelace', orderNumber: 'OG-100042' };

describe('the notification an event becomes', () => {
  it('confirms a placed order with its number and total', () => {
    assert.deepEqual(
      describeNotification(
        { source: 'orders', type: 'order.placed', payload: payloads.placed },
        ada,
      ),
      {
        kind: 'ORDER_CONFIRMED',
        title: 'Order OG-100042 is confirmed',
        message:
          'Hello Ada Lovelace, thank you for your order OG-100042. Total: 55.00 USD. We will let you know when it ships.',
      },
    );
  });

  it('passes a CUSTOMER note on, and never an INTERNAL one', () => {
    const note = (visibility: 'CUSTOMER' | 'INTERNAL') =>
      describeNotification(
        {
          source: 'orders',
          type: 'order.note_added',
          payload: {
            orderId: ORDER_ID,
            customerId: ADA,
            number: 'OG-100042',
            noteId: 'note-1',
            visibility,
            text: 'Ships Monday.',
          },
        },
        remembered,
      );
    assert.deepEqual(note('CUSTOMER'), {
      kind: 'ORDER_NOTE',
      title: 'A note on your order OG-100042',
      message: 'Hello Ada Lovelace, about your order OG-100042: Ships Monday.',
    });
    assert.equal(note('INTERNAL'), null);
  });

  it('tells a cancellation with its reason', () => {
    assert.deepEqual(
      describeNotification(
        { source: 'orders', type: 'order.cancelled', payload: payloads.cancelled },
        ada,
      ),
      {
        kind: 'ORDER_CANCELLED',
        title: 'Order OG-100042 is cancelled',
        message:
          'Hello Ada Lovelace, your order OG-100042 has been cancelled. Reason: Ordered by mistake. Your payment authorization has been released; you will not be charged.',
      },
    );
  });

  it('tells a refund with its amount, naming the order from an earlier event', () => {
    assert.deepEqual(
      describeNotification(
        { source: 'orders', type: 'refund.issued', payload: payloads.refunded },
        remembered,
      ),
      {
        kind: 'REFUND_ISSUED',
        title: 'Refund issued for order OG-100042',
        message:
          'Hello Ada Lovelace, we have refunded 25.00 USD for your order OG-100042. It may take a few days to appear on your statement.',
      },
    );
  });

  it('tells an invoice with its number and the amount charged', () => {
    assert.deepEqual(
      describeNotification(
        {
          source: 'orders',
          type: 'invoice.issued',
          payload: {
            customerId: 'c-1',
            orderId: 'o-1',
            number: 'OG-100042',
            invoiceId: 'invoice-1',
            invoiceNumber: 'INV-2026-000123',
            total: 6356,
            currency: 'EUR',
          },
        },
        remembered,
      ),
      {
        kind: 'INVOICE_ISSUED',
        title: 'Invoice INV-2026-000123 for your order OG-100042',
        message:
          'Hello Ada Lovelace, we have issued invoice INV-2026-000123 for your order OG-100042. Amount charged: 63.56 EUR. You can download it with your order.',
      },
    );
  });

  it('tells a shipment with its carrier, tracking number and tracking page', () => {
    assert.deepEqual(
      describeNotification(
        { source: 'shipments', type: 'shipment.shipped', payload: payloads.shipped },
        remembered,
      ),
      {
        kind: 'ORDER_SHIPPED',
        title: 'Order OG-100042 has shipped',
        message:
          'Hello Ada Lovelace, a package of your order OG-100042 is on its way with UPS. Tracking number: 1Z999AA10123456784. Follow it at https://www.ups.com/track?tracknum=1Z999AA10123456784',
      },
    );
  });

  it('tells out for delivery and delivered, without an order number when none is known', () => {
    assert.deepEqual(
      describeNotification(
        {
          source: 'shipments',
          type: 'shipment.out_for_delivery',
          payload: payloads.outForDelivery,
        },
        ada,
      ),
      {
        kind: 'OUT_FOR_DELIVERY',
        title: 'Your order is out for delivery',
        message:
          'Hello Ada Lovelace, a package of your order is out for delivery and should arrive today.',
      },
    );
    assert.deepEqual(
      describeNotification(
        { source: 'shipments', type: 'shipment.delivered', payload: payloads.delivered },
        remembered,
      ),
      {
        kind: 'ORDER_DELIVERED',
        title: 'Order OG-100042 was delivered',
        message:
          'Hello Ada Lovelace, a package of your order OG-100042 was delivered (London). We hope you enjoy it.',
      },
    );
  });

  it('leaves out what the payload does not tell', () => {
    const noReason = { ...payloads.cancelled, reason: null };
    const { trackingUrl: _url, carrierCode: _carrier, ...bare } = payloads.shipped;
    assert.equal(
      describeNotification({ source: 'orders', type: 'order.cancelled', payload: noReason }, ada)
        ?.message,
      'Hello Ada Lovelace, your order OG-100042 has been cancelled. Your payment authorization has been released; you will not be charged.',
    );
    assert.equal(
      describeNotification({ source: 'shipments', type: 'shipment.shipped', payload: bare }, ada)
        ?.message,
      'Hello Ada Lovelace, a package of your order is on its way. Tracking number: 1Z999AA10123456784.',
    );
  });

  it('notifies nobody of the events customers do not hear about', () => {
    const quiet = [
      ['orders', 'payment.authorized'],
      ['orders', 'order.status_changed'],
      ['orders', 'payment.captured'],
      ['orders', 'shipment.updated'],
      ['orders', 'return.requested'],
      ['shipments', 'shipment.created'],
      ['shipments', 'shipment.picking'],
      ['shipments', 'shipment.packed'],
      ['shipments', 'shipment.in_transit'],
      ['shipments', 'shipment.tracking_recorded'],
      // each producer speaks only for its own events
      ['orders', 'shipment.shipped'],
      ['shipments', 'order.placed'],
      ['orders', 'toString'],
    ] as const;
    for (const [source, type] of quiet) {
      const payload = { orderId: ORDER_ID, shipmentId: SHIPMENT_ID, customerId: ADA };
      assert.equal(notificationKindOf(source, type), null, type);
      // whatever the payload, as the consumer would have read it
      const event = { ...consumed(1, type, payload), version: 1 } as ProducerEvent;
      assert.equal(notifyingEvent(source, event), null, type);
    }
  });

  it('never sees an event that names no customer: its contract does not read it', () => {
    const { customerId: _customer, ...anonymous } = payloads.placed;
    const read = readEvent(ordersEvents, consumed(1, 'order.placed', anonymous));
    assert.equal(read.ok, false);
  });
});

describe('retry delays', () => {
  it('double from five seconds up to an hour', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 10, 11, 30].map(retryDelayMs),
      [5_000, 10_000, 20_000, 40_000, 2_560_000, 3_600_000, 3_600_000],
    );
  });
});
