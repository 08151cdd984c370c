import type { Scenario } from '../scenario.js';
import { measureSubscriptions } from './measure-subscriptions.js';
import type { FollowedOrder } from './subscriber-protocol.js';
import { pickTrackedOrders, type TrackedOrder } from './tracked-orders.js';

/**
 * Live order tracking (issue 4): graphql-ws subscribers over many orders while a carrier scans
 * their shipments. Only routers that federate subscriptions are measured, once per run:
 * in-flight deduplication of queries plays no part in it.
 */
export function createSubscriptionScenario(): Scenario {
  let tracked: TrackedOrder[] = [];
  let followed: FollowedOrder[] = [];
  return {
    name: 'subscriptions',
    // the router's memory per connection is read on a process that has served nothing else
    peersTogether: false,
    // in-flight deduplication of queries plays no part in it: measured in the first run only
    measures: (peer, settings) => peer.servesSubscriptions && peer.dedup === settings.dedup[0],
    async prepare({ dataset, settings, customerToken }) {
      tracked = pickTrackedOrders(dataset, settings.subscriptions.orders);
      followed = await Promise.all(
        tracked.map(async (order) => ({
          orderId: order.orderId,
          token: await customerToken(order.customerId),
          expectedOrder: order.expectedOrder,
        })),
      );
    },
    async measure(contexts) {
      const rows = [];
      for (const context of contexts) {
        const { settings, log } = context;
        const { connections, orders, changesPerSecond, durationSeconds } = settings.subscriptions;
        log(
          `  subscriptions: ${connections} connections on ${orders} orders, ` +
            `${changesPerSecond} scans/s for ${durationSeconds} s`,
        );
        const row = await measureSubscriptions(context, { tracked, followed });
        log(
          `  subscriptions: p99 ${row.deliveryMs.p99.toFixed(1)} ms, ` +
            `${row.received} of ${row.expectedDeliveries} updates, errors ${row.errors}, ` +
            `${row.kbPerConnection.toFixed(1)} KB/connection` +
            (row.problem ? `  (${row.problem.slice(0, 200)})` : ''),
        );
        rows.push(row);
      }
      return { subscriptions: rows };
    },
  };
}
