import type { LoadRequest } from '../scenarios/operations/operation.js';

/** One load run: `connections` clients, each sending the next request as soon as one returns. */
export interface LoadSpec {
  url: string;
  connections: number;
  durationSeconds: number;
  /** rotated through in order, across all connections */
  requests: LoadRequest[];
  /** replaced in each body by `${uniquePrefix}-${n}`, n never repeating */
  uniquePlaceholder?: string;
  uniquePrefix?: string;
}

export interface LoadResult {
  /** measured wall time */
  seconds: number;
  /** requests written, answered or not */
  sent: number;
  /** responses with exactly the expected body */
  successes: number;
  /** wrong or unexpected responses, connection errors and timeouts */
  failures: number;
  /** the latency of every response, in milliseconds, in the order they came */
  latenciesMs: number[];
  /** the first failure, for the report */
  firstFailure: string | null;
}

export type WorkerRequest = { id: number; spec: LoadSpec };
export type WorkerReply = { id: number; result: LoadResult } | { id: number; error: string };
