import type { LoadSpec } from '../load/protocol.js';
import type { Measurement, ScenarioContext } from '../scenarios/scenario.js';
import { difference, readCountersWhenQuiet } from '../services/counters.js';
import { startProcessSampling } from './process-stats.js';

/**
 * Runs one load against the peer and measures it: throughput of correct answers, latency,
 * the peer process's CPU and peak memory, and what the subgraphs did per request.
 */
export async function measureLoad(
  context: ScenarioContext,
  { scenario, operation, spec }: { scenario: string; operation: string; spec: LoadSpec },
): Promise<Measurement> {
  // requests of an earlier load that the generator gave up on may still be running
  const before = await readCountersWhenQuiet(context.subgraphUrls);
  const sampling = startProcessSampling(context.peer.pid);
  const subgraphSampling = context.subgraphPids.map((pid) => startProcessSampling(pid));
  const result = await context.load.run(spec);
  const usage = sampling.finish();
  const subgraphCpuSeconds = subgraphSampling.reduce(
    (sum, subgraph) => sum + subgraph.finish().cpuSeconds,
    0,
  );
  const done = difference(await readCountersWhenQuiet(context.subgraphUrls), before);
  const perRequest = (count: number) => (result.sent > 0 ? count / result.sent : 0);
  return {
    scenario,
    operation,
    peer: context.peer.id,
    dedup: context.peer.dedup,
    connections: spec.connections,
    seconds: result.seconds,
    requestsPerSecond: result.successes / result.seconds,
    latencyMs: result.latency,
    sent: result.sent,
    successes: result.successes,
    failures: result.failures,
    cpuPercent: usage.cpuPercent,
    cpuMsPerRequest: perRequest(usage.cpuSeconds * 1000),
    subgraphCpuMsPerRequest: perRequest(subgraphCpuSeconds * 1000),
    peakRssMb: usage.peakRssBytes / 2 ** 20,
    subgraphFetches: perRequest(done.gatewayFetches),
    serviceCalls: perRequest(done.serviceFetches),
    sqlStatements: perRequest(done.statements),
    problem: result.firstFailure,
  };
}
