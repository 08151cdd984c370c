import { appendEvent, ordersEvents, type Database } from '@ordergraph/shared';
import type { CreditNoteRow, InvoiceRow, OrderRow, Party } from '../db/schema.js';
import { createBillingRepository, type UninvoicedCapture } from './billing.repository.js';
import { draftCreditNote, draftInvoice } from './invoice-math.js';
import { formatNumber, taxLabelFor, type BillingSettings } from './settings.js';

const buyerOf = (order: OrderRow): Party => ({
  name: order.shipName,
  lines: [
    order.shipLine1,
    order.shipLine2,
    [order.shipPostalCode, order.shipCity].join(' '),
    order.shipRegion,
    order.shipCountry,
  ].filter((line): line is string => !!line),
  taxId: null,
});

/**
 * Issues invoices and credit notes inside the caller's transaction (the billing consumer's):
 * each takes the next number of its series, so a rollback gives it back.
 */
export function createDocumentIssuer({
  tx,
  settings,
  now = () => new Date(),
}: {
  tx: Database;
  settings: BillingSettings;
  now?: () => Date;
}) {
  const repository = createBillingRepository({ db: tx });

  const number = async (series: string, at: Date) => {
    const year = at.getUTCFullYear();
    const sequence = await repository.nextSequence(series, year);
    return { series, year, sequence, number: formatNumber(series, year, sequence) };
  };

  const invoice = async (order: OrderRow, captures: readonly UninvoicedCapture[]) => {
    const orderLines = await repository.findOrderLines(order.id);
    const earlier = await repository.findInvoicesByOrderIds([order.id]);
    const earlierLines = await repository.findInvoiceLines(earlier.map((row) => row.id));
    const before = {
      quantities: new Map<string, number>(),
      discount: earlier.reduce((sum, row) => sum + row.discountTotal, 0),
      shipping: earlier.reduce((sum, row) => sum + row.shippingTotal, 0),
      tax: earlier.reduce((sum, row) => sum + row.taxTotal, 0),
    };
    for (const line of earlierLines) {
      if (!line.orderLineId) continue;
      before.quantities.set(
        line.orderLineId,
        (before.quantities.get(line.orderLineId) ?? 0) + line.quantity,
      );
    }
    const quantities = new Map<string, number>();
    for (const capture of captures) {
      for (const { orderLineId, quantity } of capture.lines) {
        quantities.set(orderLineId, (quantities.get(orderLineId) ?? 0) + quantity);
      }
    }
    const draft = draftInvoice({
      order: { ...order, lines: orderLines },
      before,
      quantities,
      amount: captures.reduce((sum, capture) => sum + capture.amount, 0),
    });
    const issuedAt = now();
    const row = await repository.insertInvoice(
      {
        ...(await number(settings.invoiceSeries, issuedAt)),
        orderId: order.id,
        customerId: order.customerId,
        currency: order.currency,
        seller: settings.seller,
        buyer: buyerOf(order),
        subtotal: draft.subtotal,
        discountTotal: draft.discountTotal,
        shippingTotal: draft.shippingTotal,
        taxTotal: draft.taxTotal,
        total: draft.total,
        taxLabel: taxLabelFor(settings, order.shipCountry),
        paymentReference: captures.map((capture) => capture.providerCaptureId ?? 'none').join(', '),
        issuedAt,
      },
      draft.lines.map((line, index) => ({ ...line, position: index + 1 })),
      captures.map((capture) => capture.shipmentId),
    );
    // a stream of its own: the order's timeline tells what happened to the order, not its papers
    await appendEvent(
      tx,
      ordersEvents.event({
        streamType: 'invoice',
        streamId: row.id,
        type: 'invoice.issued',
        payload: {
          orderId: order.id,
          customerId: order.customerId,
          number: order.number,
          invoiceId: row.id,
          invoiceNumber: row.number,
          total: row.total,
          currency: row.currency,
        },
      }),
    );
    return row;
  };

  return {
    /**
     * Invoices what the order's settled captures paid and no invoice covers yet: each capture
     * on its own (per shipment), or all at once when the settings invoice per order and
     * `wholeOrder` says the payment is complete (or a refund needs an invoice to correct).
     */
    async invoiceCaptures(order: OrderRow, { wholeOrder }: { wholeOrder: boolean }) {
      const captures = await repository.findUninvoicedCaptures(order.id);
      if (captures.length === 0) return [];
      if (settings.invoicePer === 'order') {
        return wholeOrder ? [await invoice(order, captures)] : [];
      }
      const issued: InvoiceRow[] = [];
      for (const capture of captures) issued.push(await invoice(order, [capture]));
      return issued;
    },

    /** One credit note per invoice the return's refunds paid back, for those not credited yet. */
    async creditRefunds(order: OrderRow, returnId: string): Promise<CreditNoteRow[]> {
      const refunded = await repository.findRefundsToCredit(returnId);
      const byInvoice = new Map<string, typeof refunded>();
      for (const refund of refunded) {
        if (refund.credited) continue;
        byInvoice.set(refund.invoiceId, [...(byInvoice.get(refund.invoiceId) ?? []), refund]);
      }
      if (byInvoice.size === 0) return [];
      const found = await repository.findReturn(returnId);
      const returned = await repository.findReturnLines(returnId);
      const invoiceRows = await repository.findInvoicesByIds([...byInvoice.keys()]);
      const invoiceLines = await repository.findInvoiceLines([...byInvoice.keys()]);
      const issued: CreditNoteRow[] = [];
      for (const invoiceRow of invoiceRows) {
        const paidBack = byInvoice.get(invoiceRow.id)!;
        const lines = invoiceLines.filter((line) => line.invoiceId === invoiceRow.id);
        const onInvoice = new Map(lines.map((line) => [line.orderLineId, line.quantity]));
        const credited = returned
          .filter((line) => onInvoice.has(line.orderLineId))
          .map((line) => ({
            ...line,
            quantity: Math.min(line.quantity, onInvoice.get(line.orderLineId) ?? line.quantity),
          }));
        const draft = draftCreditNote({
          invoice: { ...invoiceRow, lines },
          returned: credited,
          amount: paidBack.reduce((sum, refund) => sum + refund.amount, 0),
        });
        const issuedAt = now();
        const row = await repository.insertCreditNote(
          {
            ...(await number(settings.creditNoteSeries, issuedAt)),
            invoiceId: invoiceRow.id,
            orderId: order.id,
            customerId: order.customerId,
            returnId,
            currency: invoiceRow.currency,
            seller: settings.seller,
            buyer: invoiceRow.buyer,
            netTotal: draft.netTotal,
            taxTotal: draft.taxTotal,
            total: draft.total,
            taxLabel: invoiceRow.taxLabel,
            reason: found?.reason ? `Return: ${found.reason}` : 'Return',
            refundReference: paidBack.map((refund) => refund.providerRefundId ?? 'none').join(', '),
            issuedAt,
          },
          draft.lines.map((line, index) => ({ ...line, position: index + 1 })),
        );
        await appendEvent(
          tx,
          ordersEvents.event({
            streamType: 'credit_note',
            streamId: row.id,
            type: 'credit_note.issued',
            payload: {
              orderId: order.id,
              customerId: order.customerId,
              number: order.number,
              creditNoteId: row.id,
              creditNoteNumber: row.number,
              invoiceNumber: invoiceRow.number,
              total: row.total,
              currency: row.currency,
            },
          }),
        );
        issued.push(row);
      }
      return issued;
    },
  };
}
