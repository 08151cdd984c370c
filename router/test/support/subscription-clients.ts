import type { FormattedExecutionResult } from 'graphql';
import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient, type Client } from 'graphql-ws';
import { meros } from 'meros/browser';
import WebSocket from 'ws';

export type Result = FormattedExecutionResult<Record<string, any>, Record<string, unknown>>;

/** What a subscriber has received so far, and a way to wait for more. */
export class Received {
  readonly results: Result[] = [];
  completed = false;
  failure: unknown = null;
  private waiters: (() => void)[] = [];

  push(result: Result): void {
    this.results.push(result);
    this.notify();
  }

  complete(failure: unknown = null): void {
    this.completed = true;
    this.failure = failure;
    this.notify();
  }

  /** the sink graphql-ws and graphql-sse clients report to */
  sink() {
    return {
      next: (result: Result) => this.push(result),
      error: (error: unknown) => this.complete(error),
      complete: () => this.complete(),
    };
  }

  /** waits until `count` results have arrived (or the stream ends), then returns them all */
  async atLeast(count: number, timeoutMs = 15_000): Promise<Result[]> {
    await this.until(
      () => this.results.length >= count || this.completed,
      timeoutMs,
      () =>
        `expected ${count} results, got ${this.results.length}: ${JSON.stringify(this.results)}`,
    );
    return this.results;
  }

  /** waits for the stream to end */
  async end(timeoutMs = 15_000): Promise<Result[]> {
    await this.until(
      () => this.completed,
      timeoutMs,
      () => 'the stream did not end',
    );
    return this.results;
  }

  private until(done: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(describe())), timeoutMs);
      const check = () => {
        if (!done()) return this.waiters.push(check);
        clearTimeout(timer);
        resolve();
      };
      this.waiters.push(check);
    });
  }

  private notify(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}

export interface OpenSubscription {
  received: Received;
  close(): Promise<void>;
}

export interface SubscribeOptions {
  url: string;
  query: string;
  variables?: Record<string, unknown>;
  token?: string;
}

/** A graphql-ws (graphql-transport-ws) client over a real socket; the token in connection_init. */
export function wsClient(url: string, token?: string): Client {
  return createWsClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: true,
  });
}

export function subscribeOverWebSocket(
  { query, variables, ...connection }: SubscribeOptions,
  client = wsClient(connection.url, connection.token),
  { ownClient = true } = {},
): OpenSubscription {
  const received = new Received();
  const unsubscribe = client.subscribe<Record<string, any>, Record<string, unknown>>(
    { query, variables: variables ?? {} },
    received.sink(),
  );
  return {
    received,
    async close() {
      unsubscribe();
      if (ownClient) await client.dispose();
    },
  };
}

/** Apollo's multipart HTTP subscription protocol, read with meros as Apollo's clients do. */
export function subscribeOverMultipart({
  url,
  query,
  variables,
  token,
}: SubscribeOptions): OpenSubscription & { status: Promise<number> } {
  const received = new Received();
  const abort = new AbortController();
  const status = (async () => {
    const response = await fetch(url, {
      method: 'POST',
      signal: abort.signal,
      headers: {
        'content-type': 'application/json',
        accept: 'multipart/mixed;subscriptionSpec="1.0", application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    const parts = await meros<{ payload?: Result | null; errors?: unknown }>(response);
    if (!(Symbol.asyncIterator in parts)) {
      received.push((await parts.json()) as Result);
      received.complete();
      return response.status;
    }
    void (async () => {
      try {
        for await (const part of parts) {
          if (!part.json) continue;
          // `{}` is a heartbeat
          if (part.body.payload) received.push(part.body.payload);
          else if (part.body.errors) received.push({ errors: part.body.errors } as Result);
        }
        received.complete();
      } catch (error) {
        received.complete(error);
      }
    })();
    return response.status;
  })();
  status.catch((error: unknown) => received.complete(error));
  return {
    received,
    status,
    async close() {
      abort.abort();
    },
  };
}

/** GraphQL over SSE (distinct connections mode) with the graphql-sse client. */
export function subscribeOverSse({
  url,
  query,
  variables,
  token,
}: SubscribeOptions): OpenSubscription {
  const received = new Received();
  const client = createSseClient({
    url,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
  });
  const unsubscribe = client.subscribe<Record<string, any>, Record<string, unknown>>(
    { query, variables: variables ?? {} },
    received.sink(),
  );
  return {
    received,
    async close() {
      unsubscribe();
      client.dispose();
    },
  };
}
