import type { Party } from '../db/billing.js';

/** How this service issues invoices and credit notes (from config.ts, see BILLING_*). */
export interface BillingSettings {
  seller: Party;
  /** the number prefix of invoices, e.g. INV gives INV-2026-000123 */
  invoiceSeries: string;
  /** the number prefix of credit notes */
  creditNoteSeries: string;
  /** one invoice per captured shipment, or one per order once its payment is wholly captured */
  invoicePer: 'shipment' | 'order';
  /** the tax's name on documents by the buyer's country (ISO code); others say `defaultTaxLabel` */
  taxLabels: Readonly<Record<string, string>>;
  defaultTaxLabel: string;
}

export const DEFAULT_BILLING_SETTINGS: BillingSettings = Object.freeze({
  seller: {
    name: 'ordergraph demo store',
    lines: ['1 Example Street', '10115 Berlin', 'DE'],
    taxId: null,
  },
  invoiceSeries: 'INV',
  creditNoteSeries: 'CN',
  invoicePer: 'shipment',
  taxLabels: { DE: 'MwSt', FR: 'TVA', GB: 'VAT', US: 'Sales tax' },
  defaultTaxLabel: 'Tax',
});

/** The tax label of documents for a buyer in `country`. */
export const taxLabelFor = (settings: BillingSettings, country: string) =>
  settings.taxLabels[country.toUpperCase()] ?? settings.defaultTaxLabel;

/** The series a document number belongs to (`INV` of `INV-2026-000123`), if it is one of ours. */
export function seriesOfNumber(settings: BillingSettings, number: string): string | null {
  const prefix = number.split('-')[0] ?? '';
  return [settings.invoiceSeries, settings.creditNoteSeries].includes(prefix) ? prefix : null;
}

/** The number of the `sequence`th document of a series in a year: INV-2026-000123. */
export const formatNumber = (series: string, year: number, sequence: number) =>
  `${series}-${year}-${String(sequence).padStart(6, '0')}`;

/**
 * Parses the BILLING_* settings: `taxLabels` as `DE:MwSt,FR:TVA`, `sellerAddress` as lines
 * separated by `|`. Throws a message naming the variable on bad input.
 */
export function parseBillingSettings({
  sellerName,
  sellerAddress,
  sellerTaxId,
  invoiceSeries,
  creditNoteSeries,
  invoicePer,
  taxLabels,
  defaultTaxLabel,
}: {
  sellerName: string;
  sellerAddress: string;
  sellerTaxId?: string | undefined;
  invoiceSeries: string;
  creditNoteSeries: string;
  invoicePer: 'shipment' | 'order';
  taxLabels: string;
  defaultTaxLabel: string;
}): BillingSettings {
  const series = /^[A-Z][A-Z0-9]{0,9}$/;
  if (!series.test(invoiceSeries))
    throw new Error('BILLING_INVOICE_SERIES must be 1-10 capitals or digits');
  if (!series.test(creditNoteSeries) || creditNoteSeries === invoiceSeries) {
    throw new Error(
      'BILLING_CREDIT_NOTE_SERIES must be 1-10 capitals or digits, not the invoice series',
    );
  }
  const labels: Record<string, string> = {};
  for (const pair of taxLabels.split(',').filter((part) => part.trim() !== '')) {
    const match = /^\s*([A-Za-z]{2})\s*:\s*(\S.*?)\s*$/.exec(pair);
    if (!match) throw new Error(`BILLING_TAX_LABELS: "${pair}" is not COUNTRY:Label`);
    labels[match[1]!.toUpperCase()] = match[2]!;
  }
  return Object.freeze({
    seller: {
      name: sellerName,
      lines: sellerAddress
        .split('|')
        .map((line) => line.trim())
        .filter(Boolean),
      taxId: sellerTaxId?.trim() || null,
    },
    invoiceSeries,
    creditNoteSeries,
    invoicePer,
    taxLabels: Object.freeze(labels),
    defaultTaxLabel,
  });
}
