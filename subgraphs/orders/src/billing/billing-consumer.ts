import {
  ordersEvents,
  startEventConsumer,
  type DatabaseHandle,
  type EventConsumer,
  type EventFeed,
  type FeedEvent,
  type Logger,
  type ServiceClient,
  type SubgraphMetrics,
} from '@ordergraph/shared';
import { applyBillingEvent, BILLING_EVENT_TYPES } from './billing-events.js';
import type { BillingSettings } from './settings.js';

/** The cursor key (and lease name) of the consumer that issues invoices and credit notes. */
export const BILLING_CONSUMER = 'orders:billing';

/**
 * This service's own feed as the source of an event consumer: the consumer asks for a page
 * after its cursor and the feed answers from the local log, with the same long poll other
 * services get over HTTP.
 */
export function localFeedSource(feed: EventFeed): ServiceClient {
  return {
    async request<TData>({
      variables,
      signal,
    }: {
      variables?: Record<string, unknown>;
      signal?: AbortSignal;
    }) {
      const { after, first, waitMs, types } = variables as {
        after: string;
        first: number;
        waitMs: number;
        types?: string[];
      };
      const read = feed.read({ after: Number(after), first, waitMs, types });
      // a stopping consumer does not wait for the long poll: the feed's close ends it later
      read.catch(() => undefined);
      const aborted = new Promise<never>((_resolve, reject) => {
        if (signal?.aborted) reject(new Error('the consumer stopped'));
        signal?.addEventListener('abort', () => reject(new Error('the consumer stopped')), {
          once: true,
        });
      });
      aborted.catch(() => undefined);
      const events: FeedEvent[] = await Promise.race([read, aborted]);
      return { feed: events } as TData;
    },
  };
}

/**
 * Follows this service's event log with the shared consumer (cursor, lease, one transaction
 * per batch) and issues the documents captures and refunds call for. Issuing off the capture's
 * own transaction keeps the capture path as short as it was; the consumer's cursor makes every
 * capture invoiced exactly once, after restarts included.
 */
export function startBillingConsumer({
  handle,
  feed,
  settings,
  log,
  waitMs,
  metrics,
  leaseTtlMs,
}: {
  handle: DatabaseHandle;
  feed: EventFeed;
  settings: BillingSettings;
  log: Logger;
  waitMs?: number | undefined;
  metrics?: Pick<SubgraphMetrics, 'registry'> | undefined;
  leaseTtlMs?: number | undefined;
}): Promise<EventConsumer> {
  return startEventConsumer({
    name: BILLING_CONSUMER,
    handle,
    source: localFeedSource(feed),
    field: 'ordersEventLog',
    contract: ordersEvents,
    // a carrier scan's events do not wake it, nor cost it a transaction
    types: BILLING_EVENT_TYPES,
    onEvent: (event, tx) => applyBillingEvent(event, tx, { settings }),
    log,
    ...(waitMs === undefined ? {} : { waitMs }),
    metrics,
    leaseTtlMs,
  });
}
