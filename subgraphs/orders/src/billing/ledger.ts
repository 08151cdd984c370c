/** The accounts the ledger export posts to: a small chart an accountant maps onto theirs. */
export const LEDGER_ACCOUNTS = {
  cash: '1100 Cash at payment provider',
  receivable: '1200 Accounts receivable',
  tax: '2200 Tax payable',
  sales: '4000 Sales',
  shipping: '4100 Shipping income',
  returns: '4400 Sales returns',
} as const;

export const LEDGER_DOCUMENT_KINDS = ['INVOICE', 'CREDIT_NOTE', 'CAPTURE', 'REFUND'] as const;
export type LedgerDocumentKind = (typeof LEDGER_DOCUMENT_KINDS)[number];

/** A document the ledger posts, amounts in minor units of its currency. */
export interface LedgerDocument {
  kind: LedgerDocumentKind;
  id: string;
  at: Date;
  /** the invoice's or credit note's number, the provider's capture or refund id */
  number: string;
  orderNumber: string;
  currency: string;
  /** goods after discount: the invoice's subtotal - discount, the credit note's net */
  goods: number;
  shipping: number;
  tax: number;
  total: number;
}

export interface JournalEntry {
  account: string;
  debit: number;
  credit: number;
}

/**
 * The journal entries of one document, balanced (debits equal credits), lines of zero left out:
 * an invoice makes the customer owe its total against sales, shipping and tax; a capture turns
 * that into cash; a credit note takes sales and tax back; a refund pays the cash back.
 */
export function journalEntries({
  kind,
  goods,
  shipping,
  tax,
  total,
}: LedgerDocument): JournalEntry[] {
  const debit = (account: string, amount: number) => ({ account, debit: amount, credit: 0 });
  const credit = (account: string, amount: number) => ({ account, debit: 0, credit: amount });
  const entries = {
    INVOICE: [
      debit(LEDGER_ACCOUNTS.receivable, total),
      credit(LEDGER_ACCOUNTS.sales, goods),
      credit(LEDGER_ACCOUNTS.shipping, shipping),
      credit(LEDGER_ACCOUNTS.tax, tax),
    ],
    CREDIT_NOTE: [
      debit(LEDGER_ACCOUNTS.returns, goods),
      debit(LEDGER_ACCOUNTS.shipping, shipping),
      debit(LEDGER_ACCOUNTS.tax, tax),
      credit(LEDGER_ACCOUNTS.receivable, total),
    ],
    CAPTURE: [debit(LEDGER_ACCOUNTS.cash, total), credit(LEDGER_ACCOUNTS.receivable, total)],
    REFUND: [debit(LEDGER_ACCOUNTS.receivable, total), credit(LEDGER_ACCOUNTS.cash, total)],
  }[kind];
  return entries.filter((entry) => entry.debit !== 0 || entry.credit !== 0);
}
