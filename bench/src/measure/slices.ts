import { percentiles } from '../load/verify.js';
import type { Measurement } from '../scenarios/scenario.js';

/**
 * What one stretch of load against one peer produced, as raw totals: a measurement is made of
 * several such slices, taken in turn with the other peers' (see interleavedOrder).
 */
export interface LoadSlice {
  seconds: number;
  sent: number;
  successes: number;
  failures: number;
  /** every response's latency, in milliseconds */
  latenciesMs: number[];
  peerCpuSeconds: number;
  /** the five subgraphs, until the work the load set off was done */
  subgraphCpuSeconds: number;
  /** PostgreSQL's processes serving the bench databases; null where /proc cannot show them */
  postgresCpuSeconds: number | null;
  /** PostgreSQL's postmaster and background processes (WAL, checkpoints, autovacuum) */
  postgresBackgroundCpuSeconds: number | null;
  peakRssBytes: number;
  gatewayFetches: number;
  serviceFetches: number;
  statements: number;
  firstFailure: string | null;
}

export interface SliceLabels {
  scenario: string;
  operation: string;
  peer: string;
  dedup: boolean;
  connections: number;
}

const sum = (slices: LoadSlice[], pick: (slice: LoadSlice) => number) =>
  slices.reduce((total, slice) => total + pick(slice), 0);

/** Milliseconds per request of a figure some slices may lack: null unless every slice has it. */
function sumOrNull(
  slices: LoadSlice[],
  pick: (slice: LoadSlice) => number | null,
  perRequest: (count: number) => number,
): number | null {
  const values = slices.map(pick);
  if (values.some((value) => value === null)) return null;
  return perRequest((values as number[]).reduce((total, value) => total + value, 0) * 1000);
}

/**
 * One row of the results from its slices: totals over their summed time, and latency
 * percentiles over all their responses together (never an average of percentiles).
 */
export function summarizeSlices(labels: SliceLabels, slices: LoadSlice[]): Measurement {
  const seconds = sum(slices, (s) => s.seconds);
  const sent = sum(slices, (s) => s.sent);
  const successes = sum(slices, (s) => s.successes);
  const cpuSeconds = sum(slices, (s) => s.peerCpuSeconds);
  const perRequest = (count: number) => (sent > 0 ? count / sent : 0);
  return {
    ...labels,
    seconds,
    requestsPerSecond: seconds > 0 ? successes / seconds : 0,
    latencyMs: percentiles(slices.flatMap((s) => s.latenciesMs)),
    sent,
    successes,
    failures: sum(slices, (s) => s.failures),
    cpuPercent: seconds > 0 ? (cpuSeconds / seconds) * 100 : 0,
    cpuMsPerRequest: perRequest(cpuSeconds * 1000),
    subgraphCpuMsPerRequest: perRequest(sum(slices, (s) => s.subgraphCpuSeconds) * 1000),
    postgresCpuMsPerRequest: sumOrNull(slices, (s) => s.postgresCpuSeconds, perRequest),
    postgresBackgroundCpuMsPerRequest: sumOrNull(
      slices,
      (s) => s.postgresBackgroundCpuSeconds,
      perRequest,
    ),
    peakRssMb: Math.max(0, ...slices.map((s) => s.peakRssBytes)) / 2 ** 20,
    subgraphFetches: perRequest(sum(slices, (s) => s.gatewayFetches)),
    serviceCalls: perRequest(sum(slices, (s) => s.serviceFetches)),
    sqlStatements: perRequest(sum(slices, (s) => s.statements)),
    problem: slices.find((s) => s.firstFailure)?.firstFailure ?? null,
  };
}

/**
 * The order the peers take in round `round`: each round starts one peer further on, so over as
 * many rounds as there are peers every peer runs once in every position, and a slow spell of
 * the shared machine (or the subgraphs still warming up) is not charged to one of them.
 */
export function interleavedOrder<T>(peers: readonly T[], round: number): T[] {
  const shift = peers.length ? round % peers.length : 0;
  return [...peers.slice(shift), ...peers.slice(0, shift)];
}
