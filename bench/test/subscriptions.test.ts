import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { canTransition } from '../../subgraphs/shipments/src/shipment-status.js';
import { generateDataset } from '../src/data/dataset.js';
import { spotCheckOrders } from '../src/data/spot-check.js';
import { orderDetailOrders } from '../src/scenarios/operations/order-detail.js';
import { orderHistoryCustomers } from '../src/scenarios/operations/order-history.js';
import { nextScanStatus, SCAN_CYCLE } from '../src/scenarios/subscriptions/carrier-scans.js';
import { matchDeliveries } from '../src/scenarios/subscriptions/deliveries.js';
import { readRouterMetrics } from '../src/scenarios/subscriptions/router-metrics.js';
import { pickTrackedOrders } from '../src/scenarios/subscriptions/tracked-orders.js';

const scale = { customers: 2_000, variants: 80, orders: 5_000 };

describe('the subscriptions scenario', () => {
  it('tracks shipped orders that no query scenario or seed check reads', () => {
    const dataset = generateDataset(scale);
    const tracked = pickTrackedOrders(dataset, 100);
    assert.equal(tracked.length, 100);
    assert.equal(new Set(tracked.map((order) => order.orderId)).size, 100);
    const read = new Set(
      [...orderDetailOrders(dataset), ...spotCheckOrders(dataset)].map((o) => o.id),
    );
    const historyCustomers = new Set(orderHistoryCustomers(dataset).map(([id]) => id));
    const byId = new Map(dataset.orders.map((order) => [order.id, order]));
    for (const order of tracked) {
      const seeded = byId.get(order.orderId)!;
      assert.equal(seeded.shipment.status, 'IN_TRANSIT');
      assert.equal(order.trackingNumber, seeded.shipment.trackingNumber);
      assert.ok(!read.has(order.orderId));
      assert.ok(!historyCustomers.has(order.customerId));
    }
  });

  it('refuses to track more orders than can be', () => {
    assert.throws(() => pickTrackedOrders(generateDataset(scale), 5_000), /can be tracked/);
  });

  it('scans the shipments round a cycle in which every scan moves them', () => {
    for (const status of SCAN_CYCLE) {
      const next = nextScanStatus(status)!;
      assert.ok(canTransition(status, next), `${status} -> ${next}`);
    }
    assert.deepEqual(
      [
        nextScanStatus('IN_TRANSIT'),
        nextScanStatus('OUT_FOR_DELIVERY'),
        nextScanStatus('FAILED_ATTEMPT'),
      ],
      ['OUT_FOR_DELIVERY', 'FAILED_ATTEMPT', 'IN_TRANSIT'],
    );
    assert.equal(nextScanStatus('DELIVERED'), null);
  });

  it('matches each update with its scan by order and sequence', () => {
    const scans = [
      { orderIndex: 0, status: 'OUT_FOR_DELIVERY', sentAt: 1_000, respondedAt: 1_010, ok: true },
      { orderIndex: 1, status: 'OUT_FOR_DELIVERY', sentAt: 1_100, respondedAt: 1_120, ok: false },
      { orderIndex: 0, status: 'FAILED_ATTEMPT', sentAt: 2_000, respondedAt: 2_010, ok: true },
    ];
    const figures = matchDeliveries(scans, [
      // the first update came after the second scan: the order already showed its status
      {
        orderIndex: 0,
        times: [2_050, 2_060],
        statuses: ['FAILED_ATTEMPT', 'FAILED_ATTEMPT'],
        occurredAt: [2_040, 2_040],
      },
      // missed the second scan, and showed the first one's status wrong
      { orderIndex: 0, times: [1_070], statuses: ['IN_TRANSIT'], occurredAt: [1_030] },
      // its order's only scan failed: nothing was expected
      { orderIndex: 1, times: [], statuses: [], occurredAt: [] },
    ]);
    assert.equal(figures.expected, 4);
    assert.equal(figures.received, 3);
    assert.equal(figures.lost, 1);
    assert.equal(figures.mismatched, 1);
    assert.equal(figures.fromSend.max, 1_050);
    assert.equal(figures.fromResponse.p50, 60);
    assert.deepEqual(figures.fromTimeline, { p50: 20, p95: 40, p99: 40, max: 40 });
  });

  it("reads the router's subscription series from its Prometheus endpoint", async () => {
    const text = [
      '# HELP ordergraph_subscription_clients Live client subscriptions.',
      '# TYPE ordergraph_subscription_clients gauge',
      'ordergraph_subscription_clients 10',
      'ordergraph_subscription_shared 2',
      'ordergraph_subscription_upstream_active 2',
      'ordergraph_subscription_upstream_opened_total 3',
      'ordergraph_subscription_events_total 7',
      'ordergraph_subscription_event_fetches_total{subgraph="customers"} 7',
      'ordergraph_subscription_event_fetches_total{subgraph="orders"} 0',
      '',
    ].join('\n');
    const server = createServer((request, response) =>
      request.url === '/metrics' ? response.end(text) : response.writeHead(404).end(),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      assert.deepEqual(await readRouterMetrics(`http://127.0.0.1:${port}/graphql`), {
        clients: 10,
        shared: 2,
        upstreamActive: 2,
        upstreamOpened: 3,
        events: 7,
        eventFetches: { customers: 7, orders: 0 },
      });
    } finally {
      server.close();
    }
  });
});
