import type { LoadSpec } from '../load/protocol.js';
import type { ScenarioContext } from '../scenarios/scenario.js';
import { difference, readCountersWhenQuiet, type CounterSnapshot } from '../services/counters.js';
import { startPostgresCpuSampling } from './postgres-cpu.js';
import { startProcessSampling } from './process-stats.js';
import { DATABASE_PREFIX, POSTGRES_URL } from '../settings.js';
import type { LoadSlice } from './slices.js';

/**
 * Measures loads one after another, with nothing else loading the services in between: each
 * starts from the quiet counters the one before ended with (waiting for quiet costs half a
 * second or more, and a level of load is measured in many slices).
 */
export function createSliceMeter() {
  let quiet: CounterSnapshot | null = null;
  return {
    /**
     * Runs one load against the peer and measures it: the answers checked, their latencies,
     * the peer process's CPU and peak memory, and what the subgraphs and PostgreSQL did for it.
     */
    async measure(context: ScenarioContext, spec: LoadSpec): Promise<LoadSlice> {
      // requests of an earlier load that the generator gave up on may still be running
      const before = quiet ?? (await readCountersWhenQuiet(context.subgraphUrls));
      const sampling = startProcessSampling(context.peer.pid);
      const subgraphSampling = context.subgraphPids.map((pid) => startProcessSampling(pid));
      const postgresSampling = await startPostgresCpuSampling({
        url: POSTGRES_URL,
        databasePrefix: DATABASE_PREFIX,
      });
      const result = await context.load.run(spec);
      const usage = sampling.finish();
      quiet = await readCountersWhenQuiet(context.subgraphUrls);
      // the services' and the database's work for the load includes what the consumers did
      // for the events it logged: sampled until the counters are quiet, like the statements
      const subgraphCpuSeconds = subgraphSampling.reduce(
        (sum, subgraph) => sum + subgraph.finish().cpuSeconds,
        0,
      );
      const postgresCpu = (await postgresSampling?.finish()) ?? null;
      const done = difference(quiet, before);
      return {
        seconds: result.seconds,
        sent: result.sent,
        successes: result.successes,
        failures: result.failures,
        latenciesMs: result.latenciesMs,
        peerCpuSeconds: usage.cpuSeconds,
        subgraphCpuSeconds,
        postgresCpuSeconds: postgresCpu?.backends ?? null,
        postgresBackgroundCpuSeconds: postgresCpu?.background ?? null,
        peakRssBytes: usage.peakRssBytes,
        gatewayFetches: done.gatewayFetches,
        serviceFetches: done.serviceFetches,
        statements: done.statements,
        firstFailure: result.firstFailure,
      };
    },
  };
}
