import type { SubscriptionMeasurement } from '../scenarios/subscriptions/measurement.js';
import { GOALS } from '../scenarios/subscriptions/measurement.js';
import type { Report } from './tables.js';

const ms = (value: number) => (value < 10 ? value.toFixed(2) : value.toFixed(1));
const count = (value: number) => value.toLocaleString('en');
const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
const verdict = (met: boolean | null) => (met === null ? '–' : met ? 'met' : '**missed**');

/** What the run did, in words: the conditions of the Subscriptions table. */
function describe({ settings: s }: SubscriptionMeasurement): string {
  return [
    `${count(s.connections)} graphql-ws connections (opened from ${s.workers} load-generator processes) each subscribe to one of ${count(s.orders)} orders with the full cross-subgraph selection (\`orderUpdated { cursor event order { status customer lines { variant { name stock } } shipments } }\`: orders, customers, catalog, inventory, shipments), with the customer's token in \`connection_init\`;`,
    `then the carrier scans ${count(s.changesPerSecond)} shipments a second for ${s.durationSeconds} s (\`recordTrackingEvent\` through the router, each adding one \`shipment.updated\` to its order's timeline).`,
    "Latency runs from the scan being sent to the update reaching the client, so it includes the carrier → shipments → orders hop (the orders service reading the shipments feed and applying what it read, a batch per transaction) before the router sees the event; the next lines start at the scan's response, and at the timeline entry's time in the orders service (the subscription's own path).",
    'Every update is compared with the expected order and matched with its scan; one missing is lost, one wrong is an error.',
  ].join(' ');
}

function rows(m: SubscriptionMeasurement): string[][] {
  const router = m.router;
  const fetches = router
    ? Object.entries(router.fetchesPerEvent)
        .filter(([, value]) => value > 0)
        .sort(([a], [b]) => a.localeCompare(b))
    : [];
  const perOrder = router ? router.upstreamOpened / m.settings.orders : null;
  const scanCpu =
    m.postgresCpuMsPerChange === null
      ? null
      : m.subgraphCpuMsPerChange +
        m.postgresCpuMsPerChange +
        (m.postgresBackgroundCpuMsPerChange ?? 0);
  const latency = (p: SubscriptionMeasurement['deliveryMs']) =>
    `${ms(p.p50)} / ${ms(p.p95)} / ${ms(p.p99)} ms`;
  return [
    [
      'delivery latency p50 / p95 / p99, scan sent → update received',
      latency(m.deliveryMs),
      `p99 < ${GOALS.p99Ms} ms`,
      verdict(m.received > 0 ? m.deliveryMs.p99 < GOALS.p99Ms : false),
    ],
    [
      'scan response (≈ its commit) → update received, p50 / p95 / p99',
      latency(m.afterResponseMs),
      `p99 < ${GOALS.p99Ms} ms (from the commit)`,
      verdict(m.received > 0 ? m.afterResponseMs.p99 < GOALS.p99Ms : false),
    ],
    [
      "order's timeline entry → update received, p50 / p95 / p99 (orders → router → client alone)",
      latency(m.fromTimelineMs),
      '',
      '',
    ],
    [
      'orders service done applying the scans',
      m.consumerDrainSeconds === null
        ? 'not within the wait'
        : `${m.consumerDrainSeconds.toFixed(1)} s after the last scan's response`,
      '',
      '',
    ],
    ['scan mutation p50 / p99', `${ms(m.mutationMs.p50)} / ${ms(m.mutationMs.p99)} ms`, '', ''],
    [
      'connect + subscribe, until the router counts all',
      `${count(Math.round(m.subscribed / m.subscribeSeconds))} connections/s (${count(m.subscribed)} in ${m.subscribeSeconds.toFixed(1)} s)`,
      '',
      '',
    ],
    [
      'router memory per connection (RSS after all subscribed − before)',
      `${m.kbPerConnection.toFixed(1)} KB (${m.routerRssBeforeMb.toFixed(0)} → ${m.routerRssAfterMb.toFixed(0)} MB)`,
      `< ${GOALS.kbPerConnection} KB`,
      // a fall means a collection freed more than the connections took: nothing measured
      verdict(m.kbPerConnection > 0 ? m.kbPerConnection < GOALS.kbPerConnection : null),
    ],
    [
      'router CPU per connection + subscription',
      `${m.routerCpuMsPerConnection.toFixed(2)} ms`,
      '',
      '',
    ],
    [
      'upstream subscriptions (router metrics)',
      router
        ? `${count(router.upstreamOpened)} opened for ${count(m.settings.orders)} orders (${perOrder!.toFixed(2)} per order), ${count(router.shared)} shared`
        : 'no metrics',
      `${GOALS.upstreamPerOrder} per order`,
      verdict(perOrder === null ? null : perOrder === GOALS.upstreamPerOrder),
    ],
    [
      'subscriptions held on the subgraphs (their own count)',
      `${count(m.subgraphSubscriptions)} for ${count(m.settings.connections)} connections on ${count(m.settings.orders)} orders`,
      '',
      '',
    ],
    [
      'entity fetches per event, by subgraph (router metrics)',
      router
        ? `${fetches.map(([name, value]) => `${name} ${value.toFixed(2)}`).join(', ')} (${count(router.events)} events)`
        : 'no metrics',
      `≤ ${GOALS.fetchesPerSubgraphPerEvent} per subgraph`,
      verdict(
        router ? fetches.every(([, value]) => value <= GOALS.fetchesPerSubgraphPerEvent) : null,
      ),
    ],
    [
      'subgraph requests per event (subgraph counters)',
      m.subgraphFetchesPerEvent.toFixed(2),
      '',
      '',
    ],
    [
      'updates lost',
      `${count(m.lost)} of ${count(m.expectedDeliveries)} (${count(m.changes)} scans × their order's subscribers)` +
        (m.consumerDrainSeconds === null && m.lost > 0
          ? '; the orders service was still applying scans when the wait ended'
          : ''),
      '0',
      verdict(m.lost === 0 && m.expectedDeliveries > 0),
    ],
    ['errors', count(m.errors), '0', verdict(m.errors === 0)],
    [
      'router CPU while scanning',
      `${m.routerCpuPercent.toFixed(0)} % (${m.routerCpuMsPerDelivery.toFixed(3)} ms per update delivered)`,
      '',
      '',
    ],
    [
      'calls between subgraphs / SQL statements, per scan',
      `${m.serviceCallsPerChange.toFixed(2)} / ${m.sqlPerChange.toFixed(1)}`,
      `≤ ${GOALS.serviceCallsPerScan} / ≤ ${GOALS.sqlPerScan}`,
      verdict(
        m.changes > 0
          ? m.serviceCallsPerChange <= GOALS.serviceCallsPerScan &&
              m.sqlPerChange <= GOALS.sqlPerScan
          : null,
      ),
    ],
    [
      'CPU per scan: subgraphs + PostgreSQL (its connections + its background processes)',
      scanCpu === null
        ? `${m.subgraphCpuMsPerChange.toFixed(2)} ms + PostgreSQL not readable`
        : `${scanCpu.toFixed(2)} ms = ${m.subgraphCpuMsPerChange.toFixed(2)} + ` +
          `${m.postgresCpuMsPerChange!.toFixed(2)} + ${m.postgresBackgroundCpuMsPerChange!.toFixed(2)} ms`,
      `≤ ${GOALS.cpuMsPerScan} ms`,
      verdict(scanCpu === null || m.changes === 0 ? null : scanCpu <= GOALS.cpuMsPerScan),
    ],
  ];
}

/**
 * The Subscriptions table: every measured gateway side by side, each figure with its verdict
 * against the goals (issue 4's and issue 21's) beside it.
 */
export function subscriptionTable(report: Report): string {
  const measured = report.subscriptions;
  if (measured.length === 0) return '';
  const notMeasured = report.peers.filter((peer) => peer.subscriptionsNotMeasured);
  const table = measured.map(rows);
  const cell = ([, value, , result]: string[]) =>
    result && result !== '–' ? `${value} (${result})` : value!;
  const lines = [
    row(['figure', ...measured.map((m) => m.peer), 'goal']),
    row(['---', ...measured.map(() => '---'), '---']),
    ...table[0]!.map((first, index) =>
      row([first[0]!, ...table.map((peerRows) => cell(peerRows[index]!)), first[2]!]),
    ),
  ];
  const notes = measured.flatMap((m) => [
    ...(m.problem ? [`${m.peer}: first problem seen: ${m.problem.slice(0, 300)}`] : []),
    ...(m.closedCleanly === false
      ? [
          `${m.peer}: subscriptions were still counted (by the router or the subgraphs) after every connection had closed.`,
        ]
      : []),
  ]);
  const skipped = notMeasured.map(
    (peer) => `${peer.id}: not measured: ${peer.subscriptionsNotMeasured!}`,
  );
  return [
    describe(measured[0]!),
    '',
    ...lines,
    ...(notes.length || skipped.length ? ['', ...[...notes, ...skipped].map((n) => `- ${n}`)] : []),
  ].join('\n');
}
