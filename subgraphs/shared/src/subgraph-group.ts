import { pino } from 'pino';
import { createLogger } from './logger.js';
import {
  EXIT_MARGIN_MS,
  launchSubgraph,
  type RunningSubgraph,
  type StartSubgraphOptions,
} from './start.js';

/**
 * Starts every subgraph side by side in this process, each on its own database and port with its
 * own settings. When one fails to start, the others are let finish starting and are stopped
 * again, and the error (naming each service that failed) is thrown: nothing is left listening.
 */
export async function launchSubgraphs(
  services: readonly StartSubgraphOptions[],
): Promise<RunningSubgraph[]> {
  const outcomes = await Promise.allSettled(services.map((service) => launchSubgraph(service)));
  const running = outcomes.flatMap((outcome) =>
    outcome.status === 'fulfilled' ? [outcome.value] : [],
  );
  const failures = outcomes.flatMap((outcome, index) =>
    outcome.status === 'rejected'
      ? [{ index, name: services[index]!.config.name, error: outcome.reason as unknown }]
      : [],
  );
  if (failures.length === 0) return running;
  for (const { index, error } of failures) {
    services[index]!.log?.error({ err: error }, 'failed to start');
  }
  await stopSubgraphs(running);
  const reasons = failures.map(
    ({ name, error }) => `${name}: ${error instanceof Error ? error.message : String(error)}`,
  );
  throw new Error(`could not start ${reasons.join('; ')}`, {
    cause: failures[0]!.error,
  });
}

/** Stops every subgraph at once; resolves to how many requests their deadlines cut off. */
export async function stopSubgraphs(running: readonly RunningSubgraph[]): Promise<number> {
  const cutOffs = await Promise.all(
    running.map((subgraph) =>
      subgraph.stop().catch((error: unknown) => {
        subgraph.log.error({ err: error }, 'shutdown failed');
        return 1;
      }),
    ),
  );
  return cutOffs.reduce((sum, cutOff) => sum + cutOff, 0);
}

/**
 * Runs several subgraphs as one process: the development default of `npm start`, where graphql,
 * drizzle, the shared library and tsx's compilation are then loaded once instead of once per
 * service. Each service keeps its own logger (its lines carry its `service` name), all writing
 * through one stream so that their lines never interleave (pino flushes it when the process
 * exits). A service that fails to start stops
 * the others and exits 1; SIGINT/SIGTERM stop them all, and the exit code is 1 when a shutdown
 * deadline cut requests off.
 */
export async function startSubgraphGroup(services: readonly StartSubgraphOptions[]): Promise<void> {
  const traced = services.filter((service) => service.config.telemetry).map((s) => s.config.name);
  if (traced.length > 0) {
    // one OpenTelemetry SDK per process, named after its one service
    throw new Error(
      `telemetry is exported per process: start ${traced.join(', ')} in processes of their own`,
    );
  }
  const destination = pino.destination(1);
  const running = await launchSubgraphs(
    services.map((service) => ({
      ...service,
      log:
        service.log ??
        createLogger({ name: service.config.name, level: service.config.logLevel, destination }),
    })),
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    for (const subgraph of running) subgraph.log.info({ signal }, 'shutting down');
    const longest = Math.max(...running.map((subgraph) => subgraph.shutdownTimeoutMs));
    setTimeout(() => process.exit(1), longest + EXIT_MARGIN_MS).unref();
    const cutOff = await stopSubgraphs(running);
    process.exit(cutOff > 0 ? 1 : 0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}
