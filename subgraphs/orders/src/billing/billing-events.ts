import type { ContractEvent, Database, OrdersEvents } from '@ordergraph/shared';
import { createLifecycleRepository } from '../lifecycle/lifecycle.repository.js';
import { createDocumentIssuer } from './issue-documents.js';
import type { BillingSettings } from './settings.js';

/** The events of this service's own log that issue documents. */
export const BILLING_EVENT_TYPES = ['payment.captured', 'refund.issued'] as const;

/**
 * Issues the documents an event of this service's log calls for, in the consumer's
 * transaction: an invoice for a settled capture (per shipment, or per order once the order is
 * wholly captured), a credit note per invoice a refund paid back. Replayed events find their
 * documents issued and issue nothing (captures are invoiced once, a return credited once per
 * invoice).
 */
export async function applyBillingEvent(
  event: ContractEvent<OrdersEvents>,
  tx: Database,
  { settings, now }: { settings: BillingSettings; now?: () => Date },
): Promise<void> {
  if (event.type !== 'payment.captured' && event.type !== 'refund.issued') return;
  const { orderId } = event.payload;
  const lifecycle = createLifecycleRepository({ db: tx });
  const order = await lifecycle.findOrder(orderId);
  if (!order) return;
  const issuer = createDocumentIssuer({ tx, settings, ...(now ? { now } : {}) });
  if (event.type === 'payment.captured') {
    const wholeOrder =
      settings.invoicePer === 'order' && (await lifecycle.capturedTotal(order.id)) >= order.total;
    await issuer.invoiceCaptures(order, { wholeOrder });
    return;
  }
  const { returnId } = event.payload;
  // a refund corrects an invoice: what was captured and not invoiced yet is invoiced first
  await issuer.invoiceCaptures(order, { wholeOrder: true });
  await issuer.creditRefunds(order, returnId);
}
