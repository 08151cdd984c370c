import { groupLoader, rowLoader } from '@ordergraph/shared';
import type { BillingRepository } from './billing.repository.js';

/** The per-request DataLoaders of invoices and credit notes. */
export function createBillingLoaders(repository: BillingRepository) {
  return {
    invoiceById: rowLoader(
      (ids: readonly string[]) => repository.findInvoicesByIds(ids),
      (row) => row.id,
    ),
    invoicesByOrderId: groupLoader(
      (ids: readonly string[]) => repository.findInvoicesByOrderIds(ids),
      (row) => row.orderId,
    ),
    invoiceLinesByInvoiceId: groupLoader(
      (ids: readonly string[]) => repository.findInvoiceLines(ids),
      (row) => row.invoiceId,
    ),
    creditNoteById: rowLoader(
      (ids: readonly string[]) => repository.findCreditNotesByIds(ids),
      (row) => row.id,
    ),
    creditNotesByOrderId: groupLoader(
      (ids: readonly string[]) => repository.findCreditNotesByOrderIds(ids),
      (row) => row.orderId,
    ),
    creditNoteLinesByCreditNoteId: groupLoader(
      (ids: readonly string[]) => repository.findCreditNoteLines(ids),
      (row) => row.creditNoteId,
    ),
  };
}

export type BillingLoaders = ReturnType<typeof createBillingLoaders>;
