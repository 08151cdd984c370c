import { canActForCustomer, type Viewer } from '@ordergraph/shared';
import type { CreditNoteLineRow, InvoiceLineRow } from '../db/schema.js';

/** An invoice line with its invoice's currency, as InvoiceLine resolves it. */
export type InvoiceLineWithCurrency = InvoiceLineRow & { currency: string };

/** A credit note line with its currency, as CreditNoteLine resolves it. */
export type CreditNoteLineWithCurrency = CreditNoteLineRow & { currency: string };

/**
 * Who may see an invoice or a credit note: the order's customer and staff. The warehouse,
 * which sees orders, does not see what they were charged.
 */
export const canSeeDocument = (viewer: Viewer, document: { customerId: string }) =>
  canActForCustomer(viewer, document.customerId);

/** A tax rate in basis points as a percent with two decimals: 1900 -> "19.00". */
export const percentOf = (basisPoints: number) =>
  `${Math.trunc(basisPoints / 100)}.${String(basisPoints % 100).padStart(2, '0')}`;

/** Where the router serves a document's PDF (router/src/http/documents.ts). */
export const pdfPathOf = (kind: 'invoices' | 'credit-notes', id: string) =>
  `/documents/${kind}/${id}.pdf`;
