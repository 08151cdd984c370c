import { toMoney, type Database } from '@ordergraph/shared/core';
import type { ExportRow, ExportRowSource } from '../export-jobs/row-source.js';
import { journalEntries } from './ledger.js';
import {
  createLedgerRepository,
  type LedgerDocumentKey,
  type LedgerRange,
} from './ledger.repository.js';

/** The columns of a ledger export, in order: one journal entry per row. */
export const LEDGER_EXPORT_COLUMNS = [
  'date',
  'document_type',
  'document_number',
  'order_number',
  'account',
  'debit',
  'credit',
  'currency',
] as const;

/** A ledger export's parameters as its job stores them (JSON: dates as ISO strings). */
export interface LedgerParams {
  from: string;
  to: string;
  series: string[] | null;
}

/** A ledger export was started: the job is resolved by id on every read. */
export type ExportLedgerStarted = { __typename: 'ExportLedgerSuccess'; jobId: string };

/** Where the next page starts: at a document, past the entries of it already written. */
interface LedgerCursor extends LedgerDocumentKey {
  skip: number;
}

const rangeOf = ({ from, to, series }: LedgerParams): LedgerRange => ({
  from: new Date(from),
  to: new Date(to),
  series,
});

/**
 * The journal entries of the documents of a range, as export rows (ledger.ts): documents in
 * time order, each document's entries together, so every document balances within the file.
 * A page may end inside a document: the cursor keeps the document and how many of its entries
 * were written, and the runner's page size holds whatever the documents' sizes.
 */
export function createLedgerExportSource({ db }: { db: Database }): ExportRowSource<LedgerParams> {
  const ledger = createLedgerRepository({ db });
  return {
    kind: 'ledger',
    columns: LEDGER_EXPORT_COLUMNS,
    fileName: 'ledger',
    countUpTo: (params, cap) => ledger.countEntriesUpTo(rangeOf(params), cap),
    async page({ params, cursor, limit }) {
      const start = (cursor as LedgerCursor | null) ?? null;
      // every document posts at least one entry: limit + 1 of them fill the page even when the
      // first is the one already written
      const documents = await ledger.page({ range: rangeOf(params), start, limit: limit + 1 });
      const rows: ExportRow[] = [];
      let next: LedgerCursor | null = start;
      for (const document of documents) {
        const key = { at: document.at.toISOString(), kind: document.kind, id: document.id };
        const resumed =
          start && start.at === key.at && start.kind === key.kind && start.id === key.id;
        const entries = journalEntries(document);
        for (let index = resumed ? start.skip : 0; index < entries.length; index++) {
          if (rows.length === limit) return { rows, cursor: next };
          const entry = entries[index]!;
          const money = (minor: number) =>
            minor === 0 ? '' : toMoney(minor, document.currency).amount;
          rows.push({
            date: key.at.slice(0, 10),
            document_type: document.kind,
            document_number: document.number,
            order_number: document.orderNumber,
            account: entry.account,
            debit: money(entry.debit),
            credit: money(entry.credit),
            currency: document.currency,
          });
          next = { ...key, skip: index + 1 };
        }
      }
      return { rows, cursor: next };
    },
  };
}
