import type { Server, ServerResponse } from 'node:http';

export interface Drain {
  /** true from the moment shutdown begins: /ready answers 503 so balancers stop sending */
  readonly draining: boolean;
  readonly inFlight: number;
  /** counts a request until its response is finished (or its connection is gone) */
  track(response: ServerResponse): void;
  /** stops accepting connections; resolves once the server has closed (see `finish`) */
  stopAccepting(): Promise<void>;
  /**
   * waits for the requests under way (at most `timeoutMs`), then closes what connections remain;
   * resolves with how many requests the deadline cut off (0 when all had finished)
   */
  finish(options: { timeoutMs: number }): Promise<number>;
}

/** Graceful shutdown of an http server: nothing started before shutdown is cut off. */
export function createDrain(httpServer: Server): Drain {
  let draining = false;
  let inFlight = 0;
  let closed: Promise<void> | null = null;
  const idle: (() => void)[] = [];
  const settle = () => {
    if (inFlight === 0) for (const resolve of idle.splice(0)) resolve();
  };
  const stopAccepting = () => {
    draining = true;
    closed ??= new Promise<void>((resolve) => httpServer.close(() => resolve()));
    httpServer.closeIdleConnections();
    return closed;
  };
  return {
    get draining() {
      return draining;
    },
    get inFlight() {
      return inFlight;
    },
    track(response) {
      inFlight++;
      // a keep-alive connection must not carry another request once shutdown began
      if (draining) response.setHeader('connection', 'close');
      response.once('close', () => {
        inFlight--;
        settle();
      });
    },
    stopAccepting,
    async finish({ timeoutMs }) {
      const serverClosed = stopAccepting();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => {
          idle.push(resolve);
          settle();
        }),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      const cutOff = inFlight;
      // idle keep-alive connections (and any request past the timeout) end here
      httpServer.closeAllConnections();
      await serverClosed;
      return cutOff;
    },
  };
}
