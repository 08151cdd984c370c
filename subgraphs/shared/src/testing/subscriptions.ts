import type { FormattedExecutionResult } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { signViewer, type Viewer } from '../identity.js';
import { TEST_SIGNING_SECRET, viewers } from './graphql.js';

/** how long a test waits for a subscription to deliver before it fails */
const DEFAULT_WAIT_MS = 15_000;

/** How a subscription ended: completed, or with protocol errors or a closed socket. */
export type SubscriptionEnd = { kind: 'complete' } | { kind: 'error'; error: unknown };

export interface TestSubscription<TData = Record<string, any>> {
  /** every `next` payload so far, in order */
  readonly results: FormattedExecutionResult<TData>[];
  /** resolves with the first `count` results once they arrived; fails when it ends first */
  take(count: number, options?: { timeoutMs?: number }): Promise<FormattedExecutionResult<TData>[]>;
  /** resolves once the subscription ends, however it ends */
  readonly ended: Promise<SubscriptionEnd>;
  unsubscribe(): void;
}

export interface TestSubscriptionClient {
  /**
   * Subscribes over the shared socket; with `viewer`, the subscribe message carries that
   * viewer's signed headers (as the router sends its end users'), else the connection's applies.
   */
  subscribe<TData = Record<string, any>>(request: {
    query: string;
    variables?: Record<string, unknown>;
    viewer?: Viewer;
    /** the headers sent as they are, e.g. a forged signature */
    headers?: Record<string, string>;
  }): TestSubscription<TData>;
  /** resolves with the close code once the socket closes */
  readonly closed: Promise<number>;
  close(): Promise<void>;
}

class ConnectionRefused extends Error {
  constructor(readonly code: number) {
    super(`connection closed with ${code}`);
  }
}

const closeCodeOf = (event: unknown) =>
  event && typeof event === 'object' && 'code' in event ? Number(event.code) : 0;

/**
 * Opens a graphql-ws connection to a test subgraph's /graphql as the router does: the
 * connection signed for `viewer` (a service by default; `null` sends no signature). Resolves
 * once acknowledged; a refused connection rejects with an error whose `code` is the close code.
 */
export async function connectSubscriptionClient(
  url: string,
  {
    viewer = viewers.service('router'),
    secret = TEST_SIGNING_SECRET,
  }: { viewer?: Viewer | null; secret?: string } = {},
): Promise<TestSubscriptionClient> {
  let onClosed!: (code: number) => void;
  const closed = new Promise<number>((resolve) => (onClosed = resolve));
  let client!: Client;
  await new Promise<void>((resolve, reject) => {
    client = createClient({
      url: url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: viewer ? signViewer(viewer, { secret }) : {},
      lazy: false,
      retryAttempts: 0,
      onNonLazyError: () => {},
      on: {
        connected: () => resolve(),
        closed: (event) => {
          onClosed(closeCodeOf(event));
          reject(new ConnectionRefused(closeCodeOf(event)));
        },
      },
    });
  });

  return {
    closed,
    close: async () => {
      await client.dispose();
    },
    subscribe<TData>({
      query,
      variables,
      viewer: subscriber,
      headers,
    }: {
      query: string;
      variables?: Record<string, unknown>;
      viewer?: Viewer;
      headers?: Record<string, string>;
    }): TestSubscription<TData> {
      const results: FormattedExecutionResult<TData>[] = [];
      const checks = new Set<() => void>();
      let end: SubscriptionEnd | null = null;
      let onEnd!: (end: SubscriptionEnd) => void;
      const ended = new Promise<SubscriptionEnd>((resolve) => (onEnd = resolve));
      const finish = (how: SubscriptionEnd) => {
        end ??= how;
        onEnd(end);
        for (const check of checks) check();
      };
      const signed = headers ?? (subscriber ? signViewer(subscriber, { secret }) : undefined);
      const unsubscribe = client.subscribe<TData>(
        { query, variables, ...(signed ? { extensions: { headers: signed } } : {}) },
        {
          next: (result) => {
            results.push(result as FormattedExecutionResult<TData>);
            for (const check of checks) check();
          },
          error: (error) => finish({ kind: 'error', error }),
          complete: () => finish({ kind: 'complete' }),
        },
      );
      return {
        results,
        ended,
        unsubscribe,
        take: (count, { timeoutMs = DEFAULT_WAIT_MS } = {}) =>
          new Promise((resolve, reject) => {
            const timer = setTimeout(() => {
              checks.delete(check);
              reject(new Error(`${results.length} of ${count} results in ${timeoutMs} ms`));
            }, timeoutMs);
            const check = () => {
              if (results.length < count && !end) return;
              clearTimeout(timer);
              checks.delete(check);
              if (results.length >= count) resolve(results.slice(0, count));
              else reject(new Error(`ended after ${results.length} of ${count} results`));
            };
            checks.add(check);
            check();
          }),
      };
    },
  };
}

/** Polls `condition` until it holds; fails after `timeoutMs` naming `what` it waited for. */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  {
    timeoutMs = DEFAULT_WAIT_MS,
    what = 'the condition',
  }: { timeoutMs?: number; what?: string } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
