import { createSliceMeter } from '../measure/measure-load.js';
import { interleavedOrder, summarizeSlices, type LoadSlice } from '../measure/slices.js';
import { light } from './operations/light.js';
import type { LoadRequest, Operation } from './operations/operation.js';
import { orderDetail } from './operations/order-detail.js';
import { orderHistory } from './operations/order-history.js';
import { placeOrder } from './operations/place-order.js';
import type { Measurement, Scenario, ScenarioContext } from './scenario.js';

export const OPERATIONS: Operation[] = [light, orderDetail, orderHistory, placeOrder];

/**
 * Queries and mutations over HTTP, every peer running at once: each operation is warmed up on
 * every peer, then each level of concurrency is measured in rounds, the peers taking turns
 * (settings.rounds slices each); only responses equal to the expected answer count as requests.
 */
export function createOperationMix({ only }: { only?: string[] } = {}): Scenario {
  const operations = OPERATIONS.filter(
    (op) => !only?.length || only.includes(op.name.replaceAll(' ', '-')),
  );
  const requests = new Map<Operation, LoadRequest[]>();
  const name = 'operations';
  let subgraphsWarm = false;

  const loadOf = (context: ScenarioContext, operation: Operation) => ({
    url: context.peer.url,
    requests: requests.get(operation)!,
    ...(operation.uniquePlaceholder ? { uniquePlaceholder: operation.uniquePlaceholder } : {}),
  });

  const warmUp = async (
    context: ScenarioContext,
    operation: Operation,
    { seconds, label }: { seconds: number; label: string },
  ) => {
    const { settings, peer } = context;
    const warmup = await context.load.run({
      ...loadOf(context, operation),
      connections: Math.max(...settings.connections),
      durationSeconds: seconds,
      uniquePrefix: `${context.runTag}-${peer.id}-${label}`,
    });
    if (warmup.firstFailure) context.log(`  warm-up failure: ${warmup.firstFailure}`);
  };

  // one row per peer: its slices of every round, summed, and the data it wrote checked
  const measureLevel = async (
    contexts: ScenarioContext[],
    operation: Operation,
    connections: number,
  ): Promise<Measurement[]> => {
    const { settings } = contexts[0]!;
    const uniquePrefixOf = ({ runTag, peer }: ScenarioContext) =>
      `${runTag}-${peer.id}-${peer.dedup ? 'd' : 'n'}-c${connections}`;
    const slices = new Map<ScenarioContext, LoadSlice[]>(contexts.map((c) => [c, []]));
    const meter = createSliceMeter();
    for (let round = 0; round < settings.rounds; round++) {
      for (const context of interleavedOrder(contexts, round)) {
        const slice = await meter.measure(context, {
          ...loadOf(context, operation),
          connections,
          durationSeconds: settings.durationSeconds / settings.rounds,
          uniquePrefix: uniquePrefixOf(context),
        });
        slices.get(context)!.push(slice);
      }
    }
    const rows: Measurement[] = [];
    for (const context of contexts) {
      const { peer } = context;
      const row = summarizeSlices(
        {
          scenario: name,
          operation: operation.name,
          peer: peer.id,
          dedup: peer.dedup,
          connections,
        },
        slices.get(context)!,
      );
      const problem = await operation.spotCheck?.({
        databaseUrls: context.databaseUrls,
        uniquePrefix: uniquePrefixOf(context),
        successes: row.successes,
      });
      if (problem) row.problem = problem;
      context.log(
        `  ${peer.id.padEnd(14)} ${operation.name.padEnd(13)} c=${String(connections).padStart(2)} ` +
          `${row.requestsPerSecond.toFixed(0).padStart(6)} req/s  p99 ${row.latencyMs.p99.toFixed(1)} ms` +
          `  CPU ${row.cpuMsPerRequest.toFixed(2)} ms/req, subgraphs ${row.subgraphCpuMsPerRequest.toFixed(2)}` +
          `, PostgreSQL ${row.postgresCpuMsPerRequest?.toFixed(2) ?? '–'}` +
          `  failures ${row.failures}${row.problem ? `  (${row.problem.slice(0, 200)})` : ''}`,
      );
      rows.push(row);
    }
    return rows;
  };

  return {
    name,
    // the peers take turns, so that a slow spell of the shared machine falls on all of them
    peersTogether: true,
    async prepare(setup) {
      for (const operation of operations) {
        requests.set(operation, await operation.requests(setup));
      }
    },
    async measure(contexts) {
      const first = contexts[0];
      if (!first) return {};
      const { settings, log } = first;
      if (!subgraphsWarm) {
        log(
          `  warming the subgraphs up: ${settings.subgraphWarmupSeconds} s per operation through ${first.peer.id}`,
        );
        for (const operation of operations) {
          const seconds = settings.subgraphWarmupSeconds;
          await warmUp(first, operation, { seconds, label: 'subgraph-warmup' });
        }
        subgraphsWarm = true;
      }
      const rows: Measurement[] = [];
      for (const operation of operations) {
        for (const context of contexts) {
          await warmUp(context, operation, { seconds: settings.warmupSeconds, label: 'warmup' });
        }
        for (const connections of settings.connections) {
          rows.push(...(await measureLevel(contexts, operation, connections)));
        }
      }
      return { measurements: rows };
    },
  };
}
