import {
  createServiceClient,
  latestEventSeq,
  shipmentsEvents,
  startEventConsumer,
  type DatabaseHandle,
  type EventFeed,
  type Logger,
  type SubgraphMetrics,
} from '@ordergraph/shared';
import { startBillingConsumer } from './billing/billing-consumer.js';
import { DEFAULT_BILLING_SETTINGS, type BillingSettings } from './billing/settings.js';
import { startCaptureRunner } from './lifecycle/capture-runner.js';
import type { InventoryClient } from './clients/inventory.js';
import type { PaymentProvider } from './payments/payment-provider.js';
import { applyShipmentEvent, type WarehouseCodes } from './lifecycle/shipment-events.js';

/** The cursor key of this service's consumer of the shipments feed. */
export const SHIPMENTS_CONSUMER = 'orders:shipments';

/** What this service runs in the background while it follows other services. */
export interface Consumers {
  /**
   * Resolves once every event of the shipments feed up to `seq` has been applied and the
   * payment captures they asked for are settled, and the documents this service's log calls
   * for are issued: what a test awaits after acting on shipments.
   */
  caughtUp(shipmentsSeq: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Warehouse codes from the inventory, asked once per unknown id: warehouses are few and their
 * codes do not change. An unreachable inventory throws, so the event is retried.
 */
export function warehouseCodesFrom(inventory: Pick<InventoryClient, 'warehouses'>): WarehouseCodes {
  const codes = new Map<string, string>();
  return async (warehouseId) => {
    if (!codes.has(warehouseId)) {
      for (const { id, code } of await inventory.warehouses()) codes.set(id, code);
    }
    return codes.get(warehouseId) ?? warehouseId;
  };
}

/**
 * Starts following the shipments service (`orders:shipments`, see applyShipmentEvent), the
 * capture runner that takes the payments shipped shipments owe, and the billing consumer of
 * this service's own log that invoices captures and credits refunds (`orders:billing`), each
 * under its own lease.
 */
export async function startConsumers({
  handle,
  shipmentsUrl,
  signingSecret,
  inventory,
  payments,
  feed,
  billing,
  log,
  waitMs,
  metrics,
  leaseTtlMs,
}: {
  handle: DatabaseHandle;
  /** this service's own event log: given, the billing consumer follows it */
  feed?: EventFeed | undefined;
  billing?: BillingSettings | undefined;
  shipmentsUrl: string;
  signingSecret: string;
  inventory: Pick<InventoryClient, 'warehouses'>;
  payments: PaymentProvider;
  log: Logger;
  /** how long each read of the feed waits for new events (long polling) */
  waitMs?: number | undefined;
  /** the service's metrics, where the leases show */
  metrics?: Pick<SubgraphMetrics, 'registry'> | undefined;
  /** how soon another replica takes this work over when this one dies */
  leaseTtlMs?: number | undefined;
}): Promise<Consumers> {
  const warehouseCodes = warehouseCodesFrom(inventory);
  const leases = { metrics, leaseTtlMs };
  const captures = await startCaptureRunner({ handle, payments, log, ...leases });
  const shipments = await startEventConsumer({
    name: SHIPMENTS_CONSUMER,
    handle,
    source: createServiceClient({ service: 'orders', url: shipmentsUrl, signingSecret }),
    field: 'shipmentsEventLog',
    contract: shipmentsEvents,
    // a late or repeated carrier report moves nothing: no step of the order
    types: ['shipment.*'],
    onEvent: (event, tx) => applyShipmentEvent(event, tx, { warehouseCodes, log }),
    log,
    ...(waitMs === undefined ? {} : { waitMs }),
    ...leases,
  });
  const invoicing = feed
    ? await startBillingConsumer({
        handle,
        feed,
        settings: billing ?? DEFAULT_BILLING_SETTINGS,
        log,
        waitMs,
        ...leases,
      })
    : null;
  let stopping: Promise<void> | null = null;
  return {
    async caughtUp(seq) {
      await shipments.caughtUp(seq);
      await captures.settled();
      if (invoicing) await invoicing.caughtUp(await latestEventSeq(handle.db));
    },
    stop: () =>
      (stopping ??= (async () => {
        await shipments.stop();
        await captures.stop();
        await invoicing?.stop();
      })()),
  };
}
