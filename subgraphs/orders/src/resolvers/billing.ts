import {
  badUserInput,
  forbidden,
  hasRole,
  pageArgs,
  toConnection,
  toMoney,
} from '@ordergraph/shared';
import type { QueryResolvers, Resolvers } from '../__generated__/resolvers-types.js';
import { createBillingRepository, type DocumentCursor } from '../billing/billing.repository.js';
import { canSeeDocument, pdfPathOf, percentOf } from '../billing/documents.js';
import { seriesOfNumber } from '../billing/settings.js';
import { checkIssuedRange } from '../billing/ranges.js';

// the DateTime scalar parses inputs into dates (shared/scalars.ts); the generated type says string
const dateOf = (value: Date | string | null | undefined) => (value ? new Date(value) : null);

/** Order.invoices and Order.creditNotes, merged into the Order resolvers. */
export const OrderBilling: Pick<NonNullable<Resolvers['Order']>, 'invoices' | 'creditNotes'> = {
  invoices: (order, _args, { viewer, loaders }) => {
    if (!canSeeDocument(viewer, order))
      throw forbidden('Only the customer and staff see invoices.');
    return loaders.invoicesByOrderId.load(order.id);
  },
  creditNotes: (order, _args, { viewer, loaders }) => {
    if (!canSeeDocument(viewer, order)) {
      throw forbidden('Only the customer and staff see credit notes.');
    }
    return loaders.creditNotesByOrderId.load(order.id);
  },
};

export const Invoice: Resolvers['Invoice'] = {
  order: async (invoice, _args, { loaders }) => (await loaders.orderById.load(invoice.orderId))!,
  lines: async (invoice, _args, { loaders }) =>
    (await loaders.invoiceLinesByInvoiceId.load(invoice.id)).map((line) => ({
      ...line,
      currency: invoice.currency,
    })),
  subtotal: (invoice) => toMoney(invoice.subtotal, invoice.currency),
  discountTotal: (invoice) => toMoney(invoice.discountTotal, invoice.currency),
  shippingTotal: (invoice) => toMoney(invoice.shippingTotal, invoice.currency),
  taxTotal: (invoice) => toMoney(invoice.taxTotal, invoice.currency),
  total: (invoice) => toMoney(invoice.total, invoice.currency),
  currencyCode: (invoice) => invoice.currency,
  creditNotes: async (invoice, _args, { loaders }) =>
    (await loaders.creditNotesByOrderId.load(invoice.orderId)).filter(
      (note) => note.invoiceId === invoice.id,
    ),
  pdfUrl: (invoice) => pdfPathOf('invoices', invoice.id),
};

export const InvoiceLine: Resolvers['InvoiceLine'] = {
  variant: (line) => (line.orderLineId ? { sku: line.description } : null),
  unitPrice: (line) => toMoney(line.unitPrice, line.currency),
  discount: (line) => toMoney(line.discount, line.currency),
  net: (line) => toMoney(line.net, line.currency),
  taxRate: (line) => percentOf(line.taxRateBasisPoints),
  taxAmount: (line) => toMoney(line.taxAmount, line.currency),
  total: (line) => toMoney(line.total, line.currency),
};

export const CreditNote: Resolvers['CreditNote'] = {
  invoice: async (note, _args, { loaders }) => (await loaders.invoiceById.load(note.invoiceId))!,
  order: async (note, _args, { loaders }) => (await loaders.orderById.load(note.orderId))!,
  lines: async (note, _args, { loaders }) =>
    (await loaders.creditNoteLinesByCreditNoteId.load(note.id)).map((line) => ({
      ...line,
      currency: note.currency,
    })),
  netTotal: (note) => toMoney(note.netTotal, note.currency),
  taxTotal: (note) => toMoney(note.taxTotal, note.currency),
  total: (note) => toMoney(note.total, note.currency),
  currencyCode: (note) => note.currency,
  pdfUrl: (note) => pdfPathOf('credit-notes', note.id),
};

export const CreditNoteLine: Resolvers['CreditNoteLine'] = {
  variant: (line) => (line.orderLineId ? { sku: line.description } : null),
  net: (line) => toMoney(line.net, line.currency),
  taxRate: (line) => percentOf(line.taxRateBasisPoints),
  taxAmount: (line) => toMoney(line.taxAmount, line.currency),
  total: (line) => toMoney(line.total, line.currency),
};

export const BillingParty: Resolvers['BillingParty'] = {
  addressLines: (party) => party.lines,
};

export const BillingQuery: Pick<QueryResolvers, 'invoice' | 'invoices'> = {
  invoice: async (_parent, { id }, { viewer, loaders }) => {
    const invoice = await loaders.invoiceById.load(id);
    if (!invoice) return null;
    if (!canSeeDocument(viewer, invoice)) throw forbidden('You may only see your own invoices.');
    return invoice;
  },

  invoices: async (_parent, { filter, first, after }, { viewer, db, billing }) => {
    if (!hasRole(viewer, 'staff', 'admin')) throw forbidden('Invoices are listed for staff.');
    const issuedFrom = dateOf(filter?.issuedFrom);
    const issuedTo = dateOf(filter?.issuedTo);
    const number = filter?.number ?? null;
    checkIssuedRange({ from: issuedFrom, to: issuedTo, fields: ['issuedFrom', 'issuedTo'] });
    if (number !== null && seriesOfNumber(billing, number) !== billing.invoiceSeries) {
      throw badUserInput(`"${number}" is not a number of the invoice series.`, 'number');
    }
    const page = pageArgs<DocumentCursor>({ first, after });
    const rows = await createBillingRepository({ db }).listInvoices({
      from: issuedFrom,
      to: issuedTo,
      number,
      limit: page.limit + 1,
      after: page.after,
    });
    return toConnection(rows, {
      limit: page.limit,
      cursorOf: (row) => ({ issuedAt: row.issuedAt.toISOString(), id: row.id }),
    });
  },
};
