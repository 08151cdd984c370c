import {
  createServiceClient,
  ordersEvents,
  startEventConsumer,
  type ContractEvent,
  type Database,
  type DatabaseHandle,
  type EventConsumer,
  type Logger,
  type OrdersEvents,
  type SubgraphMetrics,
  systemActor,
} from '@ordergraph/shared';
import { createFulfilment } from './fulfilment.js';

/** The consumer name, and key of its cursor, that follows the orders service. */
export const ORDERS_CONSUMER = 'shipments:orders';

/**
 * Handles one event of the orders service inside the consumer's transaction: a placed order
 * gets a PENDING shipment per warehouse that holds its stock. Handling an event twice changes
 * nothing (one shipment per order and warehouse), and a cancelled order gets none.
 */
export function createOrderEventHandler() {
  return async (event: ContractEvent<OrdersEvents>, tx: Database): Promise<void> => {
    if (event.type !== 'order.placed') return;
    const { orderId, customerId, allocations } = event.payload;
    await createFulfilment({ db: tx, actor: systemActor('shipments') }).createOrderShipments({
      orderId,
      customerId,
      allocations: allocations.filter((allocation) => allocation.lines.length > 0),
    });
  };
}

/** The event consumers the shipments service runs. */
export interface ShipmentsConsumers {
  /** follows the orders service's `ordersEventLog` */
  orders: EventConsumer;
  stop(): Promise<void>;
}

/** Starts following the orders service; resolves once the consumer has read its cursor. */
export async function startConsumers({
  handle,
  ordersUrl,
  signingSecret,
  log,
  waitMs,
  metrics,
  leaseTtlMs,
}: {
  handle: DatabaseHandle;
  ordersUrl: string;
  signingSecret: string;
  log: Logger;
  /** how long one long poll of the feed waits */
  waitMs?: number | undefined;
  /** the service's metrics, where the consumer's lease shows */
  metrics?: Pick<SubgraphMetrics, 'registry'> | undefined;
  /** how soon another replica takes the consumer over when this one dies */
  leaseTtlMs?: number | undefined;
}): Promise<ShipmentsConsumers> {
  const orders = await startEventConsumer({
    name: ORDERS_CONSUMER,
    handle,
    source: createServiceClient({ service: 'shipments', url: ordersUrl, signingSecret }),
    field: 'ordersEventLog',
    contract: ordersEvents,
    types: ['order.placed'],
    onEvent: createOrderEventHandler(),
    log,
    ...(waitMs === undefined ? {} : { waitMs }),
    metrics,
    leaseTtlMs,
  });
  return { orders, stop: () => orders.stop() };
}
