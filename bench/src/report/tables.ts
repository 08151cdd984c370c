import type { PeerDefinition } from '../peers/registry.js';
import type { Measurement } from '../scenarios/scenario.js';
import type { SubscriptionMeasurement } from '../scenarios/subscriptions/measurement.js';
import type { Settings } from '../settings.js';
import type { Machine } from './machine.js';
import { subscriptionTable } from './subscription-table.js';

export interface Report {
  date: string;
  settings: Settings;
  machine: Machine;
  peers: PeerDefinition[];
  measurements: Measurement[];
  /** live order tracking, on the routers that federate subscriptions */
  subscriptions: SubscriptionMeasurement[];
}

const fixed = (value: number, digits = 0) => value.toFixed(digits);
const ms = (value: number) => (value < 10 ? value.toFixed(2) : value.toFixed(1));
const ratio = (value: number) =>
  Number.isFinite(value) && value > 0 ? `${value.toFixed(2)}×` : '–';

/** PostgreSQL's CPU: the bench connections' processes, plus its background processes'. */
export const postgresCpu = (backends: number | null, background: number | null) =>
  backends === null ? '–' : `${backends.toFixed(2)} + ${(background ?? 0).toFixed(2)}`;

const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
const header = (cells: string[]) => [row(cells), row(cells.map(() => '---'))];

/** The measuring conditions, as a list. */
export function conditions({ settings, machine, peers }: Report): string {
  const { scale } = settings;
  return [
    `- Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, Node.js ${machine.node}, PostgreSQL ${machine.postgres}; load average ${machine.loadAverage.toFixed(1)} when the run began; cores: ${machine.cpuPinning ?? 'not pinned: everything shares them'}.`,
    `- Mode: ${settings.mode}: the subgraphs first warmed up through the first peer (${settings.subgraphWarmupSeconds} s per operation), then for each peer ${settings.warmupSeconds} s warm-up per operation, then ${settings.durationSeconds} s at each of ${settings.connections.join(', ')} connections (autocannon in its own process), taken in ${settings.rounds} rounds: all peers run at once and take turns, one slice each per round, each round starting with the next peer.`,
    `- Data: ${scale.customers.toLocaleString('en')} customers, ${scale.variants.toLocaleString('en')} variants, ${scale.orders.toLocaleString('en')} orders with 1 to 8 lines, payments and shipments.`,
    `- Peers: ${peers.map((p) => `${p.id} = ${p.label}`).join('; ')}. Each is one process on the same five subgraph processes and the same supergraph file; all services run with NODE_ENV=production and LOG_LEVEL=warn.`,
    '- Only responses equal to the expected answer count as requests; anything else is a failure.',
  ].join('\n');
}

const byKey = (rows: Measurement[]) =>
  new Map(rows.map((m) => [`${m.operation}|${m.connections}|${m.peer}`, m]));

/** Throughput, p99 and CPU per request of every peer at the highest load, with ours ÷ each peer. */
export function summaryTable(report: Report, dedup: boolean): string {
  const rows = report.measurements.filter((m) => m.dedup === dedup);
  if (rows.length === 0) return '';
  const top = Math.max(...rows.map((m) => m.connections));
  const index = byKey(rows);
  const peers = report.peers.filter((p) => rows.some((m) => m.peer === p.id));
  const operations = [...new Set(rows.map((m) => m.operation))];
  const lines = header([
    'operation',
    'peer',
    'req/s',
    'p99 ms',
    'CPU ms/req',
    'ours ÷ peer, req/s',
    'ours ÷ peer, p99',
  ]);
  for (const operation of operations) {
    const ours = index.get(`${operation}|${top}|ours`);
    for (const peer of peers) {
      const m = index.get(`${operation}|${top}|${peer.id}`);
      if (!m) continue;
      const compared = ours && peer.id !== 'ours';
      lines.push(
        row([
          operation,
          peer.id,
          fixed(m.requestsPerSecond),
          ms(m.latencyMs.p99),
          fixed(m.cpuMsPerRequest, 2),
          compared ? ratio(ours.requestsPerSecond / m.requestsPerSecond) : '',
          compared ? ratio(ours.latencyMs.p99 / m.latencyMs.p99) : '',
        ]),
      );
    }
  }
  return [
    `In-flight deduplication ${dedup ? 'on' : 'off'}, ${top} connections. Ratios are ours ÷ peer: for req/s above 1 means ours is faster, for p99 below 1 does.`,
    '',
    ...lines,
  ].join('\n');
}

/** Every measurement of one run. */
export function detailTable(report: Report, dedup: boolean): string {
  const rows = report.measurements.filter((m) => m.dedup === dedup);
  const lines = header([
    'operation',
    'conns',
    'peer',
    'req/s',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'failures',
    'CPU %',
    'CPU ms/req',
    'peak RSS MB',
    'subgraphs CPU ms/req',
    'PostgreSQL CPU ms/req',
    'fetches/req',
    'service calls/req',
    'SQL/req',
  ]);
  for (const m of rows) {
    lines.push(
      row([
        m.operation,
        m.connections,
        m.peer,
        fixed(m.requestsPerSecond),
        ms(m.latencyMs.p50),
        ms(m.latencyMs.p95),
        ms(m.latencyMs.p99),
        m.failures,
        fixed(m.cpuPercent),
        fixed(m.cpuMsPerRequest, 2),
        fixed(m.peakRssMb),
        fixed(m.subgraphCpuMsPerRequest, 2),
        postgresCpu(m.postgresCpuMsPerRequest, m.postgresBackgroundCpuMsPerRequest),
        fixed(m.subgraphFetches, 2),
        fixed(m.serviceCalls, 2),
        fixed(m.sqlStatements, 2),
      ]),
    );
  }
  const problems = rows
    .filter((m) => m.problem)
    .map((m) => `- ${m.operation}, ${m.connections} conns, ${m.peer}: ${m.problem!.slice(0, 300)}`);
  return [...lines, ...(problems.length ? ['', 'Failures seen:', '', ...problems] : [])].join('\n');
}

const dedupNote = (report: Report) =>
  report.peers
    .map(
      (p) =>
        `${p.id}: ${p.dedupSetting ?? 'no setting (both runs measure the same configuration)'}`,
    )
    .join('; ');

/** The whole results document. */
export function resultsMarkdown(report: Report): string {
  const runs = [...new Set(report.measurements.map((m) => m.dedup))];
  const sections = runs.flatMap((dedup) => [
    `## In-flight deduplication ${dedup ? 'on' : 'off'}`,
    '',
    summaryTable(report, dedup),
    '',
    '### All measurements',
    '',
    detailTable(report, dedup),
    '',
  ]);
  return [
    `# Benchmarks, ${report.date} (${report.settings.mode})`,
    '',
    conditions(report),
    '',
    `Deduplication settings: ${dedupNote(report)}.`,
    '',
    'Columns: req/s counts correct answers only; latency covers every response; CPU % is the peer process (100 = one core), CPU ms/req its CPU time per request (its own cost, however busy the machine); peak RSS is its VmHWM during the measurement; subgraphs CPU ms/req the CPU time of the five subgraph processes per request sent (the work caused by the fetches of the peer, and by the events it logged, until the services are quiet); PostgreSQL CPU ms/req the CPU time of the database server per request sent, over the same time, read from /proc: its processes serving the connections to the bench databases + its postmaster and background processes (WAL writer, checkpointer, autovacuum, which also serve any other database on the server); fetches/req are the requests the subgraphs received from the gateway; service calls/req the calls between subgraphs (commands, event feeds); SQL/req the statements of all five subgraphs, both per request sent.',
    '',
    ...sections,
    ...(report.subscriptions.length ? ['## Subscriptions', '', subscriptionTable(report), ''] : []),
  ].join('\n');
}
