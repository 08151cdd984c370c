import {
  appendEvent,
  customersEvents,
  createServiceClient,
  isUuid,
  ordersEvents,
  shipmentsEvents,
  startEventConsumer,
  type Database,
  type DatabaseHandle,
  type EventConsumer,
  type Logger,
  type SubgraphMetrics,
} from '@ordergraph/shared';
import { createCustomersRepository } from './customers.repository.js';
import {
  describeNotification,
  notifyingEvent,
  notifyingEventTypes,
  type ProducerEvent,
  type SourceService,
} from './notifications.js';
import { createNotificationsRepository } from './notifications.repository.js';

/**
 * The handler of one producer's events: the customer-facing ones become one notification each,
 * keyed by (source service, event seq), so a redelivered event adds nothing. Runs in the
 * consumer's transaction, together with its cursor.
 */
export function createNotificationHandler({ source, log }: { source: SourceService; log: Logger }) {
  return async (event: ProducerEvent, tx: Database): Promise<void> => {
    const notifying = notifyingEvent(source, event);
    if (!notifying) return;
    // what every notifying event names, whichever producer's it is
    const refs: { customerId: string; orderId: string; number?: string; shipmentId?: string } =
      notifying.payload;
    const { customerId } = refs;
    const [customer] = isUuid(customerId)
      ? await createCustomersRepository({ db: tx }).findByIds([customerId])
      : [];
    if (!customer) {
      // nobody to tell: waiting would block every later event of the feed
      log.warn(
        { source, seq: event.seq, type: event.type, customerId },
        'event for an unknown customer',
      );
      return;
    }
    const notifications = createNotificationsRepository({ db: tx });
    const orderId = refs.orderId || null;
    const orderNumber =
      refs.number || (orderId ? await notifications.findOrderNumber(orderId) : null);
    const text = describeNotification(notifying, { customerName: customer.name, orderNumber });
    if (!text) return;
    const created = await notifications.insertOnce({
      customerId: customer.id,
      ...text,
      orderId,
      orderNumber,
      shipmentId: refs.shipmentId || null,
      sourceService: source,
      sourceSeq: event.seq,
    });
    if (!created) return;
    await appendEvent(
      tx,
      customersEvents.event({
        streamType: 'notification',
        streamId: created.id,
        type: 'notification.created',
        payload: { notificationId: created.id, customerId: customer.id, kind: created.kind },
      }),
    );
  };
}

export interface NotificationConsumers {
  /** `customers:orders`, following the orders service's feed; null without its URL */
  orders: EventConsumer | null;
  /** `customers:shipments`, following the shipments service's feed; null without its URL */
  shipments: EventConsumer | null;
  /**
   * Resolves once each named consumer has handled its producer's events up to the given seq
   * (the producer's event log seq), e.g. `caughtUp({ orders: 12 })`.
   */
  caughtUp(positions: Partial<Record<SourceService, number>>): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the consumers of the producers whose URLs are given, each under its own lease. */
export async function startConsumers({
  handle,
  signingSecret,
  log,
  ordersUrl,
  shipmentsUrl,
  metrics,
  leaseTtlMs,
}: {
  handle: DatabaseHandle;
  signingSecret: string;
  log: Logger;
  ordersUrl?: string | undefined;
  shipmentsUrl?: string | undefined;
  /** the service's metrics, where the consumers' leases show */
  metrics?: Pick<SubgraphMetrics, 'registry'> | undefined;
  /** how soon another replica takes a consumer over when this one dies */
  leaseTtlMs?: number | undefined;
}): Promise<NotificationConsumers> {
  const common = (source: SourceService, url: string) => ({
    name: `customers:${source}`,
    handle,
    source: createServiceClient({ service: 'customers', url, signingSecret }),
    field: `${source}EventLog`,
    types: notifyingEventTypes(source),
    onEvent: createNotificationHandler({ source, log }),
    log,
    metrics,
    leaseTtlMs,
  });
  const orders = ordersUrl
    ? await startEventConsumer({ ...common('orders', ordersUrl), contract: ordersEvents })
    : null;
  const shipments = shipmentsUrl
    ? await startEventConsumer({
        ...common('shipments', shipmentsUrl),
        contract: shipmentsEvents,
      }).catch(async (error: unknown) => {
        await orders?.stop();
        throw error;
      })
    : null;
  const running = { orders, shipments };

  return {
    orders,
    shipments,
    async caughtUp(positions) {
      await Promise.all(
        Object.entries(positions).map(([source, seq]) => {
          const consumer = running[source as SourceService];
          if (!consumer) throw new Error(`customers does not follow ${source}`);
          return consumer.caughtUp(seq);
        }),
      );
    },
    async stop() {
      await Promise.all([orders?.stop(), shipments?.stop()]);
    },
  };
}
