import type { Dataset } from '../data/model.js';
import type { Subgraph } from '../data/seed.js';
import type { LoadGenerator } from '../load/runner.js';
import type { Settings } from '../settings.js';
import type { SubscriptionMeasurement } from './subscriptions/measurement.js';

/** A peer as scenarios see it: where it answers and which process it is. */
export interface PeerUnderTest {
  id: string;
  label: string;
  /** its GraphQL endpoint */
  url: string;
  /** its one process, whose CPU and memory are sampled */
  pid: number;
  dedup: boolean;
  /** whether the bench measures federated subscriptions through it */
  servesSubscriptions: boolean;
}

export interface ScenarioSetup {
  settings: Settings;
  dataset: Dataset;
  customerToken(customerId: string): Promise<string>;
  log(line: string): void;
}

export interface ScenarioContext extends ScenarioSetup {
  peer: PeerUnderTest;
  subgraphUrls: Record<Subgraph, string>;
  /** the five subgraph processes, whose CPU is sampled beside the peer's */
  subgraphPids: number[];
  databaseUrls: Record<Subgraph, string>;
  load: LoadGenerator;
  /** unique within the whole bench run, for values that must never repeat */
  runTag: string;
}

/** One row of the results: one peer, one operation, one level of load. */
export interface Measurement {
  scenario: string;
  operation: string;
  peer: string;
  dedup: boolean;
  connections: number;
  seconds: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  sent: number;
  successes: number;
  failures: number;
  /** the peer process: 100 = one core busy */
  cpuPercent: number;
  /** the peer process's CPU time per request sent: its own cost, whatever else runs */
  cpuMsPerRequest: number;
  /**
   * the five subgraph processes' CPU time per request sent: the work the peer's fetches cause
   * downstream, and the consumers' work for the events it logged
   */
  subgraphCpuMsPerRequest: number;
  /**
   * PostgreSQL's CPU time per request sent, in the server processes of the bench databases'
   * connections; null where the server's processes cannot be read (see postgres-cpu.ts)
   */
  postgresCpuMsPerRequest: number | null;
  /** PostgreSQL's postmaster and background processes (WAL writer, checkpointer, autovacuum) */
  postgresBackgroundCpuMsPerRequest: number | null;
  peakRssMb: number;
  /** fetches the gateway sent to the subgraphs, per request */
  subgraphFetches: number;
  /** calls between the subgraphs themselves (commands, event feeds), per request */
  serviceCalls: number;
  /** SQL statements of all five subgraphs, per request */
  sqlStatements: number;
  /** the first failure seen, or a failed check of the data written */
  problem: string | null;
}

/** What a scenario measured on one peer: rows of the request tables, or subscription runs. */
export interface ScenarioResults {
  measurements?: Measurement[];
  subscriptions?: SubscriptionMeasurement[];
}

/**
 * A way of loading the peers. The bench prepares each scenario once, then has it measure the
 * peers on processes started for it: all of them at once when `peersTogether` (the scenario
 * takes turns between them), otherwise one after another, `measure` getting one peer at a
 * time. New scenarios are added to SCENARIOS in index.ts.
 */
export interface Scenario {
  name: string;
  peersTogether: boolean;
  /** whether it measures this peer at all (no process is started for one it does not); all when absent */
  measures?(
    peer: Pick<PeerUnderTest, 'dedup' | 'servesSubscriptions'>,
    settings: Settings,
  ): boolean;
  prepare(setup: ScenarioSetup): Promise<void>;
  measure(contexts: ScenarioContext[]): Promise<ScenarioResults>;
}
