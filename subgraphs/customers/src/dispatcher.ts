import {
  appendEvent,
  customersEvents,
  LeaseLostError,
  startLeasedWorker,
  type Database,
  type DatabaseHandle,
  type Lease,
  type Logger,
  type SubgraphMetrics,
} from '@ordergraph/shared';
import { createCustomersRepository } from './customers.repository.js';
import type { CustomerRow, NotificationRow } from './db/schema.js';
import { retryDelayMs } from './notifications.js';
import {
  createNotificationsRepository,
  NOTIFICATIONS_DUE_CHANNEL,
} from './notifications.repository.js';
import type { NotificationSender } from './senders.js';

export interface NotificationDispatcher {
  /** asks for a delivery pass soon; cheap to call often */
  wake(): void;
  /** delivers everything due now, retries whose delay has passed included, then resolves */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`the sender did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export interface NotificationDispatcherOptions {
  handle: DatabaseHandle;
  sender: NotificationSender;
  log: Logger;
  intervalMs?: number;
  batchSize?: number;
  sendTimeoutMs?: number;
  leaseMs?: number;
  /** the wait after `attempts` failed sends */
  retryDelay?: (attempts: number) => number;
  maxAttempts?: number;
}

/** The name of the lease under which one replica of the service dispatches. */
export const DISPATCHER_LEASE = 'customers:dispatcher';

/**
 * Sends committed notifications that are not delivered yet (the outbox), outside any
 * transaction of the consumers that wrote them: a slow or failing sender delays only delivery.
 * Woken when this service's event log commits (every new notification appends an event) and on
 * a timer; a failed send is retried with exponential backoff up to `maxAttempts`. Runs on the
 * replica that holds the `customers:dispatcher` lease; rows are also leased while being sent,
 * so a former holder that still sends never sends what the new holder took.
 */
export async function startNotificationDispatcher({
  metrics,
  leaseTtlMs,
  ...options
}: NotificationDispatcherOptions & {
  /** the service's metrics, where the lease shows */
  metrics?: Pick<SubgraphMetrics, 'registry'> | undefined;
  /** how soon another replica takes dispatching over when this one dies */
  leaseTtlMs?: number | undefined;
}): Promise<NotificationDispatcher> {
  let running: NotificationDispatcher | null = null;
  const worker = await startLeasedWorker({
    handle: options.handle,
    name: DISPATCHER_LEASE,
    log: options.log,
    metrics,
    ttlMs: leaseTtlMs,
    async start(lease) {
      const dispatcher = await runDispatcher({ ...options, lease });
      running = dispatcher;
      return {
        async stop() {
          running = null;
          await dispatcher.stop();
        },
      };
    },
  });
  return {
    wake: () => running?.wake(),
    // on a replica without the lease there is nothing of its own to deliver
    drain: () => running?.drain() ?? Promise.resolve(),
    stop: worker.stop,
  };
}

/** The dispatcher's work while its replica holds the lease. */
async function runDispatcher({
  handle,
  sender,
  log,
  lease,
  intervalMs = 5_000,
  batchSize = 20,
  sendTimeoutMs = 30_000,
  // longer than a send may take, so a lease never runs out while its row is being sent
  leaseMs = 2 * sendTimeoutMs,
  retryDelay = retryDelayMs,
  maxAttempts = 12,
}: NotificationDispatcherOptions & { lease: Lease }): Promise<NotificationDispatcher> {
  const notifications = createNotificationsRepository({ db: handle.db });
  const customers = createCustomersRepository({ db: handle.db });
  let stopped = false;
  let queued = false;
  let chain: Promise<unknown> = Promise.resolve();
  let retryTimer: NodeJS.Timeout | undefined;
  let retryAt = Infinity;

  // one pass at a time in this process
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const next = chain.then(work);
    chain = next.catch(() => {});
    return next;
  };

  const scheduleRetry = (inMs: number) => {
    const at = Date.now() + inMs;
    if (at >= retryAt || stopped) return;
    clearTimeout(retryTimer);
    retryAt = at;
    retryTimer = setTimeout(() => {
      retryAt = Infinity;
      wake();
    }, inMs);
    retryTimer.unref();
  };

  const deliver = async (notification: NotificationRow, customer: CustomerRow | undefined) => {
    try {
      if (!customer) throw new Error(`customer ${notification.customerId} not found`);
      await withTimeout(sender.send(notification, customer), sendTimeoutMs);
    } catch (error) {
      const attempts = notification.attempts + 1;
      const retryInMs = attempts >= maxAttempts ? null : retryDelay(attempts);
      await notifications.markFailed({ id: notification.id, error: messageOf(error), retryInMs });
      const details = { err: error, notificationId: notification.id, attempts, retryInMs };
      if (retryInMs === null) log.error(details, 'notification not delivered; giving up');
      else {
        log.warn(details, 'notification not delivered; retrying');
        scheduleRetry(retryInMs);
      }
      return;
    }
    await handle.db.transaction(async (tx) => {
      const db = tx as unknown as Database;
      const delivered = await createNotificationsRepository({ db }).markDelivered({
        id: notification.id,
        channel: sender.channel,
      });
      if (!delivered) return;
      await appendEvent(
        db,
        customersEvents.event({
          streamType: 'notification',
          streamId: notification.id,
          type: 'notification.delivered',
          payload: {
            notificationId: notification.id,
            customerId: notification.customerId,
            channel: sender.channel,
          },
        }),
      );
    });
  };

  /** one batch; resolves to how many notifications it took */
  const pass = async (): Promise<number> => {
    // fenced where it matters: a former holder must not take rows; once sent, a row is marked
    // delivered by whoever sent it, or the new holder would send it again
    const due = await handle.db.transaction(async (tx) => {
      await lease.fence(tx as unknown as Database);
      return createNotificationsRepository({ db: tx as unknown as Database }).claimDue({
        limit: batchSize,
        leaseMs,
      });
    });
    if (due.length === 0) return 0;
    const owners = await customers.findByIds([...new Set(due.map((row) => row.customerId))]);
    const byId = new Map(owners.map((customer) => [customer.id, customer]));
    for (const [index, notification] of due.entries()) {
      if (stopped) {
        await notifications.releaseLeases(due.slice(index).map((row) => row.id));
        break;
      }
      await deliver(notification, byId.get(notification.customerId));
    }
    return due.length;
  };

  const wake = () => {
    if (stopped || queued) return;
    queued = true;
    exclusive(async () => {
      queued = false;
      while (!stopped && (await pass()) === batchSize);
    }).catch((error: unknown) => {
      // the lease's new holder dispatches; this replica's dispatcher is being stopped
      if (error instanceof LeaseLostError) return;
      log.error({ err: error }, 'notification dispatch failed; retrying');
      scheduleRetry(intervalMs);
    });
  };

  const unlisten = await handle.listen(NOTIFICATIONS_DUE_CHANNEL, wake);
  const timer = setInterval(wake, intervalMs);
  timer.unref();
  wake();

  return {
    wake,
    async drain() {
      while (!stopped && (await exclusive(pass)) > 0);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      clearTimeout(retryTimer);
      await unlisten();
      await chain;
    },
  };
}
