import {
  createServiceClient,
  shipmentsEvents,
  startEventConsumer,
  type ContractEvent,
  type Database,
  type DatabaseHandle,
  type EventConsumer,
  type Logger,
  type ShipmentsEvents,
  type SubgraphMetrics,
  systemActor,
} from '@ordergraph/shared';
import { sellReservation } from './reservations.js';

/** The cursor key of the inventory's follower of the shipments feed. */
export const SHIPMENTS_CONSUMER = 'inventory:shipments';

/**
 * The inventory's part in a shipment leaving: on `shipment.shipped` the units that the order's
 * reservation (reservation id = order id) holds in that warehouse become a SALE. Runs in the
 * consumer's transaction with its cursor; selling is idempotent on top, so a redelivered event
 * changes nothing. Other shipment events are not the inventory's concern.
 */
export async function handleShipmentEvent(
  event: ContractEvent<ShipmentsEvents>,
  tx: Database,
  log: Logger,
): Promise<void> {
  if (event.type !== 'shipment.shipped') return;
  const { orderId, warehouseId, shipmentId } = event.payload;
  const sold = await sellReservation(tx, {
    reservationId: orderId,
    warehouseId,
    shipmentId,
    actor: systemActor('shipments'),
  });
  if (!sold) {
    log.warn(
      { seq: event.seq, orderId, warehouseId, shipmentId },
      'shipment.shipped for a reservation holding nothing in that warehouse',
    );
  }
}

/** The inventory's followers of other services' event feeds; null where not configured. */
export interface InventoryConsumers {
  shipments: EventConsumer | null;
  stop(): Promise<void>;
}

/**
 * Starts following the shipments feed when its URL is given. Tests wait for an event's effect
 * with `consumers.shipments.caughtUp(seq)`, seq being the event's seq in the shipments log.
 */
export async function startConsumers({
  handle,
  shipmentsUrl,
  signingSecret,
  log,
  waitMs,
  metrics,
  leaseTtlMs,
}: {
  handle: DatabaseHandle;
  shipmentsUrl?: string | undefined;
  signingSecret: string;
  log: Logger;
  /** how long one long poll of the feed waits for news */
  waitMs?: number | undefined;
  /** the service's metrics, where the consumers' leases show */
  metrics?: Pick<SubgraphMetrics, 'registry'> | undefined;
  /** how soon another replica takes a consumer over when this one dies */
  leaseTtlMs?: number | undefined;
}): Promise<InventoryConsumers> {
  const consumerLog = log.child({ consumer: SHIPMENTS_CONSUMER });
  const shipments = shipmentsUrl
    ? await startEventConsumer({
        name: SHIPMENTS_CONSUMER,
        handle,
        source: createServiceClient({ service: 'inventory', url: shipmentsUrl, signingSecret }),
        field: 'shipmentsEventLog',
        contract: shipmentsEvents,
        types: ['shipment.shipped'],
        log: consumerLog,
        ...(waitMs === undefined ? {} : { waitMs }),
        metrics,
        leaseTtlMs,
        onEvent: (event, tx) => handleShipmentEvent(event, tx, consumerLog),
      })
    : null;
  return {
    shipments,
    stop: async () => {
      await shipments?.stop();
    },
  };
}
