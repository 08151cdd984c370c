import type DataLoader from 'dataloader';
import {
  rowLoader,
  type BaseContext,
  type Database,
  type EventFeed,
  type EventTail,
} from '@ordergraph/shared';
import { createBillingLoaders, type BillingLoaders } from './billing/billing.loaders.js';
import { createBillingRepository } from './billing/billing.repository.js';
import type { LedgerParams } from './billing/ledger-export.js';
import type { BillingSettings } from './billing/settings.js';
import type { ExportJobRow } from './db/export-jobs.js';
import type { OrderCancellation } from './lifecycle/cancel-order.js';
import { createExportJobsRepository } from './export-jobs/jobs.repository.js';
import type { ExportRowSource } from './export-jobs/row-source.js';
import type { ExportWatch } from './export-jobs/watch.js';
import { createLifecycleLoaders, type LifecycleLoaders } from './lifecycle/lifecycle.loaders.js';
import { createLifecycleRepository } from './lifecycle/lifecycle.repository.js';
import { createLoaders, type Loaders } from './loaders.js';
import { createNoteLoaders, type NoteLoaders } from './lifecycle/notes.loaders.js';
import { createNotesRepository } from './lifecycle/notes.repository.js';
import { createOrdersRepository, type OrdersRepository } from './orders.repository.js';
import type { OrderFilter } from './search/order-search.js';
import {
  createOrderSearchRepository,
  type OrderSearchRepository,
} from './search/order-search.repository.js';
import type { OrderPlacement } from './placing/place-order.js';
import type { RefundFlow } from './returns/refund-flow.js';
import type { ReturnFlows } from './returns/return-flows.js';
import { createReturnLoaders, type ReturnLoaders } from './returns/returns.loaders.js';
import { createReturnsRepository } from './returns/returns.repository.js';

export interface Context extends BaseContext {
  db: Database;
  orders: OrdersRepository;
  /** the staff search over all orders */
  search: OrderSearchRepository;
  loaders: Loaders &
    ReturnLoaders &
    LifecycleLoaders &
    BillingLoaders &
    NoteLoaders & { exportJobById: ExportJobLoader };
  placement: OrderPlacement;
  cancellation: OrderCancellation;
  returnFlows: ReturnFlows;
  refunds: RefundFlow;
  /** this service's event log as other services read it */
  feed: EventFeed;
  /** this process's reader of new events, which feeds subscriptions */
  tail: EventTail;
  /** the seller, series and tax labels of invoices and credit notes */
  billing: BillingSettings;
  exports: Exports;
}

/** What exports need in a request: the orders row source and the watch of jobs. */
export interface Exports {
  orders: ExportRowSource<OrderFilter>;
  /** the journal entries of invoices, credit notes and payments (billing/ledger-export.ts) */
  ledger: ExportRowSource<LedgerParams>;
  watch: ExportWatch;
  /** the most rows one export may hold */
  maxRows: number;
}

type ExportJobLoader = DataLoader<string, ExportJobRow | null>;

/** Builds the per-request context: repository and fresh loaders. */
export function createContext({
  db,
  placement,
  cancellation,
  returnFlows,
  refunds,
  feed,
  tail,
  billing,
  exports,
  ...base
}: BaseContext & {
  db: Database;
  placement: OrderPlacement;
  cancellation: OrderCancellation;
  returnFlows: ReturnFlows;
  refunds: RefundFlow;
  feed: EventFeed;
  tail: EventTail;
  billing: BillingSettings;
  exports: Exports;
}): Context {
  const orders = createOrdersRepository({ db });
  const loaders = {
    ...createLoaders(orders),
    ...createReturnLoaders(createReturnsRepository({ db })),
    ...createLifecycleLoaders(createLifecycleRepository({ db })),
    ...createBillingLoaders(createBillingRepository({ db })),
    exportJobById: rowLoader(
      (ids: readonly string[]) => createExportJobsRepository({ db }).findByIds(ids),
      (row: ExportJobRow) => row.id,
    ),
    ...createNoteLoaders(createNotesRepository({ db })),
  };
  return {
    ...base,
    db,
    orders,
    placement,
    cancellation,
    returnFlows,
    refunds,
    feed,
    tail,
    billing,
    exports,
    search: createOrderSearchRepository({ db }),
    loaders,
  };
}
