import { measureLoad } from '../measure/measure-load.js';
import { light } from './operations/light.js';
import type { LoadRequest, Operation } from './operations/operation.js';
import { orderDetail } from './operations/order-detail.js';
import { orderHistory } from './operations/order-history.js';
import { placeOrder } from './operations/place-order.js';
import type { Measurement, Scenario, ScenarioContext } from './scenario.js';

export const OPERATIONS: Operation[] = [light, orderDetail, orderHistory, placeOrder];

/**
 * Queries and mutations over HTTP: each operation is warmed up, then loaded at each level of
 * concurrency; only responses equal to the expected answer count as requests.
 */
export function createOperationMix({ only }: { only?: string[] } = {}): Scenario {
  const operations = OPERATIONS.filter(
    (op) => !only?.length || only.includes(op.name.replaceAll(' ', '-')),
  );
  const requests = new Map<Operation, LoadRequest[]>();
  const name = 'operations';
  // the subgraphs are shared by every peer: the first peer to run an operation would otherwise
  // pay alone for the subgraphs' cold paths (JIT, caches, the database's buffers)
  const warmAtSubgraphs = new Set<Operation>();
  const SUBGRAPH_WARMUP_FACTOR = 3;

  const measureOperation = async (context: ScenarioContext, operation: Operation) => {
    const { settings, peer } = context;
    const base = {
      url: peer.url,
      requests: requests.get(operation)!,
      ...(operation.uniquePlaceholder ? { uniquePlaceholder: operation.uniquePlaceholder } : {}),
    };
    const firstPeer = !warmAtSubgraphs.has(operation);
    warmAtSubgraphs.add(operation);
    const warmup = await context.load.run({
      ...base,
      connections: Math.max(...settings.connections),
      durationSeconds: settings.warmupSeconds * (firstPeer ? 1 + SUBGRAPH_WARMUP_FACTOR : 1),
      uniquePrefix: `${context.runTag}-${peer.id}-warmup`,
    });
    if (warmup.firstFailure) context.log(`  warm-up failure: ${warmup.firstFailure}`);
    const rows: Measurement[] = [];
    for (const connections of settings.connections) {
      const uniquePrefix = `${context.runTag}-${peer.id}-${peer.dedup ? 'd' : 'n'}-c${connections}`;
      const row = await measureLoad(context, {
        scenario: name,
        operation: operation.name,
        spec: { ...base, connections, durationSeconds: settings.durationSeconds, uniquePrefix },
      });
      const problem = await operation.spotCheck?.({
        databaseUrls: context.databaseUrls,
        uniquePrefix,
        successes: row.successes,
      });
      if (problem) row.problem = problem;
      context.log(
        `  ${operation.name.padEnd(13)} c=${String(connections).padStart(2)} ` +
          `${row.requestsPerSecond.toFixed(0).padStart(6)} req/s  p99 ${row.latencyMs.p99.toFixed(1)} ms` +
          `  CPU ${row.cpuMsPerRequest.toFixed(2)} ms/req, subgraphs ${row.subgraphCpuMsPerRequest.toFixed(2)}` +
          `  failures ${row.failures}${row.problem ? `  (${row.problem.slice(0, 200)})` : ''}`,
      );
      rows.push(row);
    }
    return rows;
  };

  return {
    name,
    async prepare(setup) {
      for (const operation of operations) {
        requests.set(operation, await operation.requests(setup));
      }
    },
    async measure(context) {
      const rows: Measurement[] = [];
      for (const operation of operations) {
        rows.push(...(await measureOperation(context, operation)));
      }
      return { measurements: rows };
    },
  };
}
