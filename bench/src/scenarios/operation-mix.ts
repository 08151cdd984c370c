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

  const measureOperation = async (context: ScenarioContext, operation: Operation) => {
    const { settings, peer } = context;
    const base = loadOf(context, operation);
    await warmUp(context, operation, { seconds: settings.warmupSeconds, label: 'warmup' });
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
      if (!subgraphsWarm) {
        context.log(
          `  warming the subgraphs up: ${context.settings.subgraphWarmupSeconds} s per operation through ${context.peer.id}`,
        );
        for (const operation of operations) {
          const seconds = context.settings.subgraphWarmupSeconds;
          await warmUp(context, operation, { seconds, label: 'subgraph-warmup' });
        }
        subgraphsWarm = true;
      }
      const rows: Measurement[] = [];
      for (const operation of operations) {
        rows.push(...(await measureOperation(context, operation)));
      }
      return { measurements: rows };
    },
  };
}
