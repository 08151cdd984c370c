import { fileURLToPath } from 'node:url';
import type { ResourceLimits } from 'node:worker_threads';
import {
  createEventFeed,
  createSubgraphServer,
  loadTypeDefs,
  startEventTail,
  type DatabaseHandle,
  type EventFeed,
  type EventTail,
  type Logger,
  type SubgraphServer,
} from '@ordergraph/shared';
import { createDocumentDownload } from './billing/document-download.js';
import { DEFAULT_BILLING_SETTINGS, type BillingSettings } from './billing/settings.js';
import { createCatalogClient } from './clients/catalog.js';
import { createInventoryClient } from './clients/inventory.js';
import { createShipmentsClient } from './clients/shipments.js';
import { createOrderCancellation } from './lifecycle/cancel-order.js';
import { startConsumers, type Consumers } from './consumers.js';
import { createContext, type Context } from './context.js';
import { createExportDownload } from './export-jobs/download.js';
import { startExportRunner, type ExportRunner } from './export-jobs/runner.js';
import { MAX_EXPORT_ROWS } from './export-jobs/start-export.js';
import { startExportWatch } from './export-jobs/watch.js';
import { siblingModule } from './export-jobs/worker-run.js';
import { createExportSources } from './export-sources.js';
import type { ClaimTiming } from './placing/order-requests.js';
import type { PaymentProvider } from './payments/payment-provider.js';
import { createTestPaymentProvider } from './payments/test-provider.js';
import { createOrderPlacement } from './placing/place-order.js';
import { createRefundFlow } from './returns/refund-flow.js';
import { createSagaEffects } from './placing/saga-effects.js';
import { startLeasedSagaRecovery } from './placing/saga-recovery.js';
import { createReturnFlows } from './returns/return-flows.js';
import { resolvers } from './resolvers/index.js';

export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

/** The drizzle-kit migrations of this service, applied when its database opens. */
export const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url));

/** The orders subgraph, with the consumers it runs (null when it follows no one). */
export interface OrdersServer extends SubgraphServer {
  consumers: Consumers | null;
  /** the reader of new events that feeds `orderUpdated` subscriptions */
  tail: EventTail;
  /** the feed other services follow (`ordersEventLog`) */
  feed: EventFeed;
  /** the writer of export files, when this server runs one (`runExports`) */
  exportRunner: ExportRunner | null;
}

/**
 * The orders subgraph over an open database, not yet listening. Given `shipmentsUrl`, it
 * follows the shipments service's event feed and takes the payments shipped shipments owe
 * until stopped; a test awaits them through `consumers.caughtUp(seq)` (also handed to
 * `onConsumers`).
 */
export async function createServer({
  handle,
  signingSecret,
  log,
  production = false,
  catalogUrl = 'http://127.0.0.1:4002/graphql',
  inventoryUrl = 'http://127.0.0.1:4004/graphql',
  shipmentsUrl,
  customersUrl = 'http://127.0.0.1:4001/graphql',
  runExports = false,
  exportPageSize,
  exportWorkerLimits,
  maxExportRows = MAX_EXPORT_ROWS,
  payments = createTestPaymentProvider({ db: handle.db }),
  claimTiming,
  onConsumers,
  consumerWaitMs,
  leaseTtlMs,
  sagaRecoveryAfterMs,
  returnWindowDays = 30,
  billing = DEFAULT_BILLING_SETTINGS,
}: {
  handle: DatabaseHandle;
  signingSecret: string;
  log: Logger;
  production?: boolean;
  /** the catalog subgraph, which prices orders and redeems promo codes */
  catalogUrl?: string;
  /** the inventory subgraph, which reserves stock */
  inventoryUrl?: string;
  /**
   * the shipments subgraph: when given, this service follows its event feed (see consumers.ts)
   * and cancelOrder asks it to cancel the order's shipments; cancelOrder is unavailable without
   */
  shipmentsUrl?: string;
  /** the customers subgraph, which an order export asks for e-mails */
  customersUrl?: string;
  /**
   * whether this server writes export files in the background (on one replica at a time,
   * under a lease); index.ts turns it on, tests that export do
   */
  runExports?: boolean;
  /** rows per page of an export file (export-jobs/runner.ts) */
  exportPageSize?: number;
  /**
   * the heap limits of an export's worker thread, on PostgreSQL (export-jobs/worker-run.ts:
   * EXPORT_WORKER_LIMITS unless given); on PGlite exports are written on this thread
   */
  exportWorkerLimits?: ResourceLimits | undefined;
  /** the most rows one export may hold: MAX_EXPORT_ROWS (1,000,000) unless lowered */
  maxExportRows?: number;
  /** the payment service provider; the built-in test provider unless another is given */
  payments?: PaymentProvider;
  /** how placeOrder waits for a twin request with the same idempotency key */
  claimTiming?: ClaimTiming;
  /** receives the running consumers once started (with shipmentsUrl), e.g. for a test to await */
  onConsumers?: (consumers: Consumers) => void;
  /** how long one long poll of the shipments feed waits (tests stop faster with less) */
  consumerWaitMs?: number;
  /** how soon another replica takes the background work over when this one dies (lease.ts) */
  leaseTtlMs?: number;
  /**
   * when given, placeOrder attempts untouched for this long are recovered, on one replica at a
   * time (saga-recovery.ts); index.ts passes SAGA_RECOVERY_AFTER_MS
   */
  sagaRecoveryAfterMs?: number | undefined;
  /** how many days after delivery a return may be requested */
  returnWindowDays?: number;
  /** the seller, series and invoicing mode of invoices and credit notes (billing/settings.ts) */
  billing?: BillingSettings;
}): Promise<OrdersServer> {
  const inventory = createInventoryClient({ url: inventoryUrl, signingSecret });
  const placement = createOrderPlacement({
    db: handle.db,
    catalog: createCatalogClient({ url: catalogUrl, signingSecret }),
    inventory,
    payments,
    log,
    timing: claimTiming,
  });
  const cancellation = createOrderCancellation({
    db: handle.db,
    shipments: shipmentsUrl ? createShipmentsClient({ url: shipmentsUrl, signingSecret }) : null,
    inventory,
    payments,
    log,
  });
  const returnFlows = createReturnFlows({ db: handle.db, inventory, returnWindowDays });
  const refunds = createRefundFlow({ db: handle.db, payments });
  // one read of the log per commit serves the subscriptions and the feeds other services follow
  const tail = await startEventTail({ handle, log });
  const feed = createEventFeed(handle, { tail });
  const exportSettings = { customersUrl, signingSecret };
  const { orders: orderExport, ledger: ledgerExport } = createExportSources({
    db: handle.db,
    settings: exportSettings,
  });
  const exportSources = [orderExport, ledgerExport];
  const exportWatch = await startExportWatch({ handle });
  const download = createExportDownload({ db: handle.db, sources: exportSources });
  let exportRunner: ExportRunner | null = null;
  let consumers: Consumers | null = null;
  let recovery: { stop(): Promise<void> } | null = null;
  const server = await createSubgraphServer<Context>({
    name: 'orders',
    typeDefs,
    resolvers,
    signingSecret,
    log,
    production,
    isReady: handle.ping,
    createContext: (base) =>
      createContext({
        ...base,
        db: handle.db,
        placement,
        cancellation,
        returnFlows,
        refunds,
        feed,
        tail,
        billing,
        exports: {
          orders: orderExport,
          ledger: ledgerExport,
          watch: exportWatch,
          maxRows: maxExportRows,
        },
      }),
    // an export's file, passed on by the router (export-jobs/download.ts)
    httpRoutes: [
      { prefix: '/exports/', handle: download },
      // invoices' and credit notes' PDFs, passed on by the router (billing/document-download.ts)
      { prefix: '/documents/', handle: createDocumentDownload({ db: handle.db }) },
    ],
    onStop: async () => {
      await exportRunner?.stop();
      await exportWatch.stop();
      await recovery?.stop();
      await consumers?.stop();
      // the feed answers its waiting readers first: it follows the tail
      await feed.close();
      await tail.stop();
    },
  });
  if (sagaRecoveryAfterMs !== undefined) {
    const catalog = createCatalogClient({ url: catalogUrl, signingSecret });
    try {
      recovery = await startLeasedSagaRecovery({
        handle,
        effects: createSagaEffects({ catalog, inventory, payments, log }),
        // cancellations need the shipments service to be carried through
        cancellation: shipmentsUrl ? cancellation : undefined,
        refunds,
        afterMs: sagaRecoveryAfterMs,
        log,
        metrics: server.metrics,
        leaseTtlMs,
      });
    } catch (error) {
      await server.stop();
      throw error;
    }
  }
  if (runExports) {
    try {
      exportRunner = await startExportRunner({
        handle,
        sources: exportSources,
        log,
        pageSize: exportPageSize,
        metrics: server.metrics,
        leaseTtlMs,
        // on PostgreSQL each export's pages are written in a thread with a capped heap, over a
        // pool of its own; PGlite's one instance lives in this thread, so its exports stay here
        worker: handle.connection
          ? {
              databaseUrl: handle.connection.url,
              preparedStatements: handle.connection.preparedStatements,
              sourcesModule: siblingModule('export-sources', import.meta.url),
              settings: exportSettings,
              resourceLimits: exportWorkerLimits,
            }
          : undefined,
      });
    } catch (error) {
      await server.stop();
      throw error;
    }
  }
  if (shipmentsUrl) {
    try {
      consumers = await startConsumers({
        handle,
        shipmentsUrl,
        signingSecret,
        inventory,
        payments,
        feed,
        billing,
        log,
        waitMs: consumerWaitMs,
        metrics: server.metrics,
        leaseTtlMs,
      });
    } catch (error) {
      await server.stop();
      throw error;
    }
    onConsumers?.(consumers);
  }
  return { ...server, consumers, tail, feed, exportRunner };
}
