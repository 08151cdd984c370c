import type { StartSubgraphOptions } from '@ordergraph/shared';
import { parseBillingSettings } from './billing/settings.js';
import { loadConfig } from './config.js';
import { seedDemoData } from './seed.js';
import { createServer, migrationsFolder } from './server.js';

/** The orders service as it is started, alone (index.ts) or beside the others. */
export function ordersService(config = loadConfig()): StartSubgraphOptions {
  return {
    config,
    migrationsFolder,
    seed: seedDemoData,
    createServer: ({ handle, log }) => {
      if (config.production) {
        // no real provider is wired in yet; say so loudly rather than take test payments silently
        log.warn('placeOrder authorizes payments with the built-in test payment provider');
      }
      return createServer({
        handle,
        signingSecret: config.signingSecret,
        log,
        production: config.production,
        catalogUrl: config.CATALOG_URL,
        inventoryUrl: config.INVENTORY_URL,
        shipmentsUrl: config.SHIPMENTS_URL,
        customersUrl: config.CUSTOMERS_URL,
        runExports: true,
        exportWorkerLimits: {
          maxOldGenerationSizeMb: config.EXPORT_WORKER_OLD_GENERATION_MB,
          maxYoungGenerationSizeMb: config.EXPORT_WORKER_YOUNG_GENERATION_MB,
        },
        returnWindowDays: config.RETURN_WINDOW_DAYS,
        sagaRecoveryAfterMs: config.SAGA_RECOVERY_AFTER_MS,
        leaseTtlMs: config.leaseTtlMs,
        billing: parseBillingSettings({
          sellerName: config.BILLING_SELLER_NAME,
          sellerAddress: config.BILLING_SELLER_ADDRESS,
          sellerTaxId: config.BILLING_SELLER_TAX_ID,
          invoiceSeries: config.BILLING_INVOICE_SERIES,
          creditNoteSeries: config.BILLING_CREDIT_NOTE_SERIES,
          invoicePer: config.BILLING_INVOICE_PER,
          taxLabels: config.BILLING_TAX_LABELS,
          defaultTaxLabel: config.BILLING_DEFAULT_TAX_LABEL,
        }),
      });
    },
  };
}
