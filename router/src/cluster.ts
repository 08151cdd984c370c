import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '@ordergraph/shared/logging';
import { serveClusterMetrics } from './observability/cluster-metrics.js';

/** True in the process that forks the workers: ROUTER_WORKERS above 1, and not a worker itself. */
export const supervisesWorkers = (workers: number): boolean => workers > 1 && cluster.isPrimary;

/**
 * Runs `workers` copies of the router (this same entry module) that share its port through
 * node:cluster, and supervises them: a worker that dies after it listened is replaced, SIGTERM
 * and SIGINT are passed on to every worker (each drains as a single router does). Resolves with
 * the exit code once all have stopped after a signal, or 1 when a worker dies before it listens.
 *
 * Each worker is a whole router with its own memory: automatic persisted queries (without
 * Redis), rate limits and shared subscriptions are per worker. /metrics is not: whichever
 * worker a scrape reaches answers with every worker's figures, collected here.
 */
export function superviseWorkers({
  workers,
  log,
  shutdownTimeoutMs,
}: {
  workers: number;
  log: Logger;
  /** how long a worker may drain after the signal before it is killed */
  shutdownTimeoutMs: number;
}): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    let exitCode = 0;
    const started = new Set<Worker>();
    const listening = new Set<Worker>();
    const fork = () => started.add(cluster.fork());
    serveClusterMetrics({ log });

    cluster.on('listening', (worker) => listening.add(worker));
    cluster.on('exit', (worker, code, signal) => {
      const listened = listening.delete(worker);
      started.delete(worker);
      if (stopping) {
        // a worker that had to cut requests off at its deadline (exit 1), or that the margin
        // below had to kill, fails the whole; one ended by the signal itself drained as asked
        if ((code !== null && code !== 0) || signal === 'SIGKILL') exitCode = 1;
        if (started.size === 0) resolve(exitCode);
        return;
      }
      log.error({ pid: worker.process.pid, code, signal }, 'router worker died');
      // one that dies before it serves (a bad supergraph, a missing secret) would die again: a
      // start that fails is told by what happened, not by how long it took on a busy machine
      if (!listened) {
        log.error('router workers die as they start: stopping');
        exitCode = 1;
        stop('crash');
        if (started.size === 0) resolve(exitCode);
        return;
      }
      fork();
    });

    const stop = (reason: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ reason, workers: started.size }, 'stopping router workers');
      for (const worker of started) worker.process.kill('SIGTERM');
      // the margin lets a worker past its own drain timeout exit by itself first
      setTimeout(() => {
        for (const worker of started) worker.process.kill('SIGKILL');
      }, shutdownTimeoutMs + 5_000).unref();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));

    for (let index = 0; index < workers; index++) fork();
    log.info({ workers }, 'router workers started');
  });
}
