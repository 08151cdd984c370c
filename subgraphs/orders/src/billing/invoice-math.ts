import { allocate, mulDivHalfUp } from './amounts.js';

/** An order as its invoices are worked out from it; amounts in minor units. */
export interface InvoicedOrder {
  lines: readonly { id: string; sku: string; unitPrice: number; quantity: number }[];
  subtotal: number;
  discountTotal: number;
  shippingTotal: number;
  taxTotal: number;
}

/** What the order's earlier invoices already charged. */
export interface InvoicedBefore {
  /** units per order line */
  quantities: ReadonlyMap<string, number>;
  discount: number;
  shipping: number;
  tax: number;
}

export interface InvoiceLineDraft {
  orderLineId: string | null;
  description: string;
  quantity: number;
  unitPrice: number;
  discount: number;
  net: number;
  taxRateBasisPoints: number;
  taxAmount: number;
  total: number;
}

export interface InvoiceDraft {
  lines: InvoiceLineDraft[];
  subtotal: number;
  discountTotal: number;
  shippingTotal: number;
  taxTotal: number;
  total: number;
}

/** The order's tax rate in basis points: its tax over what was taxed (goods after discount plus shipping). */
export function orderTaxRate({ subtotal, discountTotal, shippingTotal, taxTotal }: InvoicedOrder) {
  const base = subtotal - discountTotal + shippingTotal;
  return base > 0 ? mulDivHalfUp(taxTotal, 10_000, base) : 0;
}

/**
 * The invoice of the units `quantities` (per order line) that captures of `amount` paid for.
 * The total is the amount captured, to the cent. Discount, shipping and tax are the invoiced
 * goods' share of the order's (the invoice that completes the order takes what is left of
 * them), so the invoices of an order add up to its discount, shipping and tax exactly; the
 * cent the capture's own rounding differs by is absorbed by the tax (see below). Discounts and tax are spread over the lines by largest
 * remainder, shipping being a line of its own.
 */
export function draftInvoice({
  order,
  before,
  quantities,
  amount,
}: {
  order: InvoicedOrder;
  before: InvoicedBefore;
  quantities: ReadonlyMap<string, number>;
  amount: number;
}): InvoiceDraft {
  const goods = order.lines
    .filter((line) => (quantities.get(line.id) ?? 0) > 0)
    .map((line) => ({ line, quantity: quantities.get(line.id)! }));
  const value = goods.reduce((sum, { line, quantity }) => sum + line.unitPrice * quantity, 0);
  const completes = order.lines.every(
    (line) =>
      (before.quantities.get(line.id) ?? 0) + (quantities.get(line.id) ?? 0) >= line.quantity,
  );
  const share = (whole: number, left: number) =>
    Math.max(
      0,
      completes
        ? left
        : order.subtotal > 0
          ? Math.min(left, mulDivHalfUp(whole, value, order.subtotal))
          : 0,
    );
  let discount = share(order.discountTotal, order.discountTotal - before.discount);
  let shipping = share(order.shippingTotal, order.shippingTotal - before.shipping);
  let tax = share(order.taxTotal, order.taxTotal - before.tax);
  // the capture was rounded once, the parts each on their own: the cent or two between them
  // goes to the tax, or where the order has none, to shipping or the discount
  const residual = amount - (value - discount + shipping + tax);
  if (residual !== 0) {
    if (order.taxTotal > 0 && tax + residual >= 0) tax += residual;
    else if (order.shippingTotal > 0 && shipping + residual >= 0) shipping += residual;
    else if (discount - residual >= 0) discount -= residual;
    else tax += residual;
  }
  const rate = orderTaxRate(order);
  const discounts = allocate(
    discount,
    goods.map(({ line, quantity }) => line.unitPrice * quantity),
  );
  const nets = goods.map(
    ({ line, quantity }, index) => line.unitPrice * quantity - discounts[index]!,
  );
  const withShipping = shipping > 0 ? [...nets, shipping] : nets;
  const taxes = allocate(tax, withShipping);
  const lines: InvoiceLineDraft[] = goods.map(({ line, quantity }, index) => ({
    orderLineId: line.id,
    description: line.sku,
    quantity,
    unitPrice: line.unitPrice,
    discount: discounts[index]!,
    net: nets[index]!,
    taxRateBasisPoints: rate,
    taxAmount: taxes[index]!,
    total: nets[index]! + taxes[index]!,
  }));
  if (shipping > 0) {
    const taxAmount = taxes.at(-1)!;
    lines.push({
      orderLineId: null,
      description: 'Shipping',
      quantity: 1,
      unitPrice: shipping,
      discount: 0,
      net: shipping,
      taxRateBasisPoints: rate,
      taxAmount,
      total: shipping + taxAmount,
    });
  }
  return {
    lines,
    subtotal: value,
    discountTotal: discount,
    shippingTotal: shipping,
    taxTotal: tax,
    total: value - discount + shipping + tax,
  };
}

export interface CreditNoteLineDraft {
  orderLineId: string | null;
  description: string;
  quantity: number;
  net: number;
  taxRateBasisPoints: number;
  taxAmount: number;
  total: number;
}

export interface CreditNoteDraft {
  lines: CreditNoteLineDraft[];
  netTotal: number;
  taxTotal: number;
  total: number;
}

/**
 * The credit note of `amount` refunded against one invoice, for the returned units `returned`.
 * Its tax is the invoice's share of tax in the amount, so a full refund credits the invoice's
 * tax exactly; the amount is spread over the returned lines in proportion to their value.
 */
export function draftCreditNote({
  invoice,
  returned,
  amount,
}: {
  invoice: { total: number; taxTotal: number; lines: readonly { taxRateBasisPoints: number }[] };
  returned: readonly { orderLineId: string; sku: string; quantity: number; amount: number }[];
  amount: number;
}): CreditNoteDraft {
  const tax = invoice.total > 0 ? mulDivHalfUp(amount, invoice.taxTotal, invoice.total) : 0;
  const rate = invoice.lines[0]?.taxRateBasisPoints ?? 0;
  const totals = allocate(
    amount,
    returned.map((line) => line.amount),
  );
  const taxes = allocate(tax, totals);
  const lines = returned.map((line, index) => ({
    orderLineId: line.orderLineId,
    description: line.sku,
    quantity: line.quantity,
    net: totals[index]! - taxes[index]!,
    taxRateBasisPoints: rate,
    taxAmount: taxes[index]!,
    total: totals[index]!,
  }));
  return { lines, netTotal: amount - tax, taxTotal: tax, total: amount };
}
