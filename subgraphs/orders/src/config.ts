import { z } from 'zod';
import { readSubgraphConfig } from '@ordergraph/shared';
import { DEFAULT_BILLING_SETTINGS } from './billing/settings.js';
import { EXPORT_WORKER_LIMITS } from './export-jobs/worker-run.js';

const seller = DEFAULT_BILLING_SETTINGS.seller;
// a document number's prefix: INV of INV-2026-000123
const SERIES = /^[A-Z][A-Z0-9]{0,9}$/;

/** The orders service's settings, read once from the environment. */
export const loadConfig = (env: NodeJS.ProcessEnv = process.env) =>
  readSubgraphConfig({
    name: 'orders',
    env,
    defaultPort: 4003,
    extra: {
      CATALOG_URL: z.url().default('http://127.0.0.1:4002/graphql'),
      INVENTORY_URL: z.url().default('http://127.0.0.1:4004/graphql'),
      SHIPMENTS_URL: z.url().default('http://127.0.0.1:4005/graphql'),
      CUSTOMERS_URL: z.url().default('http://127.0.0.1:4001/graphql'),
      RETURN_WINDOW_DAYS: z.coerce.number().int().min(0).max(3650).default(30),
      // after how long untouched a placeOrder attempt counts as abandoned and is recovered;
      // longer than any one call of the saga (service calls time out after 10 s)
      SAGA_RECOVERY_AFTER_MS: z.coerce.number().int().min(500).max(86_400_000).default(30_000),
      // the heap of an export's worker thread on PostgreSQL, in MB (src/export-jobs/worker-run.ts)
      EXPORT_WORKER_OLD_GENERATION_MB: z.coerce
        .number()
        .int()
        .min(8)
        .max(4096)
        .default(EXPORT_WORKER_LIMITS.maxOldGenerationSizeMb!),
      EXPORT_WORKER_YOUNG_GENERATION_MB: z.coerce
        .number()
        .int()
        .min(1)
        .max(1024)
        .default(EXPORT_WORKER_LIMITS.maxYoungGenerationSizeMb!),
      // invoices and credit notes (src/billing/settings.ts)
      BILLING_SELLER_NAME: z.string().min(1).default(seller.name),
      BILLING_SELLER_ADDRESS: z.string().min(1).default(seller.lines.join('|')),
      BILLING_SELLER_TAX_ID: z.string().optional(),
      BILLING_INVOICE_SERIES: z
        .string()
        .regex(SERIES)
        .default(DEFAULT_BILLING_SETTINGS.invoiceSeries),
      BILLING_CREDIT_NOTE_SERIES: z
        .string()
        .regex(SERIES)
        .default(DEFAULT_BILLING_SETTINGS.creditNoteSeries),
      BILLING_INVOICE_PER: z.enum(['shipment', 'order']).default('shipment'),
      BILLING_TAX_LABELS: z.string().default(
        Object.entries(DEFAULT_BILLING_SETTINGS.taxLabels)
          .map(([country, label]) => `${country}:${label}`)
          .join(','),
      ),
      BILLING_DEFAULT_TAX_LABEL: z
        .string()
        .min(1)
        .default(DEFAULT_BILLING_SETTINGS.defaultTaxLabel),
    },
  });
