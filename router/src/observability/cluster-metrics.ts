import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '@ordergraph/shared/logging';
import { AggregatorRegistry, type Registry } from 'prom-client';

// a worker asks the primary for a scrape; the primary asks each worker for its figures
const SCRAPE = 'ordergraph:metrics-scrape';
const SCRAPED = 'ordergraph:metrics-scraped';
const COLLECT = 'ordergraph:metrics-collect';
const COLLECTED = 'ordergraph:metrics-collected';

// below Prometheus's default scrape timeout (10 s), so a stuck worker fails the scrape in time
const COLLECT_TIMEOUT_MS = 5_000;

type Message =
  | { type: typeof SCRAPE; id: number }
  | { type: typeof SCRAPED; id: number; text?: string; error?: string }
  | { type: typeof COLLECT; id: number }
  | { type: typeof COLLECTED; id: number; metrics?: object[]; error?: string };

const isMessage = (value: unknown): value is Message =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { type?: unknown }).type === 'string' &&
  (value as { type: string }).type.startsWith('ordergraph:metrics-');

/**
 * In the primary of ROUTER_WORKERS: answers a worker's scrape with the figures of every worker
 * that listens, summed by prom-client's aggregation (gauges declare their own aggregator). A
 * worker that does not answer fails the whole scrape: a partial sum would read as a counter
 * reset.
 */
export function serveClusterMetrics({ log }: { log: Logger }): void {
  const serving = new Set<Worker>();
  const pending = new Map<number, (message: Message & { type: typeof COLLECTED }) => void>();
  let nextId = 0;

  const collect = (worker: Worker) =>
    new Promise<object[]>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`worker ${worker.process.pid} did not send its metrics`));
      }, COLLECT_TIMEOUT_MS);
      pending.set(id, (message) => {
        clearTimeout(timer);
        pending.delete(id);
        if (message.metrics) resolve(message.metrics);
        else reject(new Error(message.error ?? 'no metrics'));
      });
      worker.send({ type: COLLECT, id } satisfies Message);
    });

  const scrape = async () => {
    const figures = await Promise.all([...serving].map(collect));
    return AggregatorRegistry.aggregate(figures).metrics();
  };

  cluster.on('listening', (worker) => serving.add(worker));
  cluster.on('exit', (worker) => serving.delete(worker));
  cluster.on('message', (worker, message: unknown) => {
    if (!isMessage(message)) return;
    if (message.type === COLLECTED) pending.get(message.id)?.(message);
    if (message.type !== SCRAPE) return;
    scrape().then(
      (text) => reply(worker, { type: SCRAPED, id: message.id, text }),
      (error: Error) => {
        log.warn({ err: error }, 'metrics: a worker scrape failed');
        reply(worker, { type: SCRAPED, id: message.id, error: error.message });
      },
    );
  });
}

// the asking worker may have died meanwhile
const reply = (worker: Worker, message: Message) => {
  if (worker.isConnected()) worker.send(message);
};

/**
 * In a worker of ROUTER_WORKERS: sends its registry's figures when the primary collects, and
 * makes its own /metrics answer with every worker's, whichever worker the scrape reached.
 */
export function createWorkerScrape(registry: Registry): () => Promise<string> {
  const waiting = new Map<number, (message: Message & { type: typeof SCRAPED }) => void>();
  let nextId = 0;
  process.on('message', (message: unknown) => {
    if (!isMessage(message)) return;
    if (message.type === SCRAPED) waiting.get(message.id)?.(message);
    if (message.type !== COLLECT) return;
    registry.getMetricsAsJSON().then(
      (metrics) => process.send?.({ type: COLLECTED, id: message.id, metrics } satisfies Message),
      (error: Error) =>
        process.send?.({ type: COLLECTED, id: message.id, error: error.message } satisfies Message),
    );
  });
  return () =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error('the primary did not answer the scrape'));
      }, COLLECT_TIMEOUT_MS + 1_000);
      waiting.set(id, (message) => {
        clearTimeout(timer);
        waiting.delete(id);
        if (message.text !== undefined) resolve(message.text);
        else reject(new Error(message.error ?? 'no metrics'));
      });
      process.send?.({ type: SCRAPE, id } satisfies Message);
    });
}

/** True in a worker of ROUTER_WORKERS (node:cluster), whose primary serves the scrape. */
export const isClusterWorker = (): boolean => cluster.isWorker;
