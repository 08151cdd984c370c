import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpError, sendGraphQLError, sendJson } from './http.js';
import type { Logger } from './logger.js';
import { createDrain } from './observability/drain.js';

/** One entry of a host's route table, tried in order after /health, /ready and /metrics. */
export interface HostRoute {
  matches(path: string): boolean;
  /** answers the request, or returns false when nothing is there after all (then a 404) */
  handle(request: IncomingMessage, response: ServerResponse, path: string): Promise<unknown>;
}

export interface HttpHostOptions {
  /** named by /health */
  service: string;
  log: Logger;
  routes: readonly HostRoute[];
  /** what /ready answers; `draining` is true once `stop` has begun */
  readiness(state: { draining: boolean }): Promise<{ status: number; body: unknown }>;
  /** what /metrics answers: a scrape that fails is a 503 */
  metrics: { contentType: string; scrape(): Promise<string> };
  /** runs before any route, for headers every response carries */
  beforeRoute?(request: IncomingMessage, response: ServerResponse, path: string): void;
  /** answers a refusal (an HttpError); by default at once, with a GraphQL-shaped body */
  refuse?(request: IncomingMessage, response: ServerResponse, error: HttpError): void;
  /** more fields for the log line of a request that failed unexpectedly */
  logFields?(request: IncomingMessage): Record<string, unknown>;
  /** releases what is held besides the requests: before the drain waits for them, and after */
  shutdown?: { beforeDrain?(): Promise<void>; afterDrain?(): Promise<void> };
  /** how long `stop` waits for requests under way before closing their connections */
  shutdownTimeoutMs?: number;
}

export interface HttpHost {
  httpServer: Server;
  /** listens and resolves to the origin, e.g. http://127.0.0.1:4001 */
  listen(options?: { port?: number; host?: string }): Promise<string>;
  /** requests under way (streams included) */
  inFlight(): number;
  /**
   * Stops accepting (/ready turns 503), runs `shutdown.beforeDrain`, waits for the requests
   * under way (at most `timeoutMs`), then runs `shutdown.afterDrain`; a second call waits for
   * the same shutdown.
   */
  stop(options?: { timeoutMs?: number }): Promise<void>;
  /** how many requests the shutdown deadline cut off (0 before a shutdown, or when none was) */
  cutOff(): number;
}

/**
 * A Node HTTP server with what the router and every subgraph serve alike: /health, /ready,
 * /metrics, a route table, one error fallback, listen, and a drain that stops once.
 */
export function createHttpHost({
  service,
  log,
  routes,
  readiness,
  metrics,
  beforeRoute,
  refuse = (_request, response, error) => sendGraphQLError(response, error),
  logFields = () => ({}),
  shutdown = {},
  shutdownTimeoutMs = 10_000,
}: HttpHostOptions): HttpHost {
  const route = async (request: IncomingMessage, response: ServerResponse, path: string) => {
    if (path === '/health') return sendJson(response, 200, { status: 'ok', service });
    if (path === '/ready') {
      const { status, body } = await readiness({ draining: drain.draining });
      return sendJson(response, status, body);
    }
    if (path === '/metrics') {
      const text = await metrics.scrape().catch((error: unknown) => {
        log.warn({ err: error }, 'metrics scrape failed');
        return null;
      });
      if (text === null) return sendJson(response, 503, { error: 'metrics unavailable' });
      response.writeHead(200, { 'content-type': metrics.contentType });
      return response.end(text);
    }
    for (const candidate of routes) {
      if (!candidate.matches(path)) continue;
      if ((await candidate.handle(request, response, path)) !== false) return;
      break;
    }
    sendJson(response, 404, { error: 'not found' });
  };

  const httpServer = createServer((request, response) => {
    drain.track(response);
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    beforeRoute?.(request, response, path);
    route(request, response, path).catch((error: unknown) => {
      if (error instanceof HttpError) return refuse(request, response, error);
      log.error({ err: error, ...logFields(request) }, 'request failed');
      if (!response.headersSent) {
        sendGraphQLError(
          response,
          new HttpError(500, 'INTERNAL_SERVER_ERROR', 'Unexpected error.'),
        );
      } else response.end();
    });
  });
  const drain = createDrain(httpServer);
  let stopping: Promise<void> | undefined;
  let cutOff = 0;

  return {
    httpServer,
    listen: ({ port = 0, host = '127.0.0.1' } = {}) =>
      new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          const address = httpServer.address() as AddressInfo;
          resolve(`http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`);
        });
      }),
    inFlight: () => drain.inFlight,
    stop: ({ timeoutMs = shutdownTimeoutMs } = {}) =>
      (stopping ??= (async () => {
        void drain.stopAccepting();
        await shutdown.beforeDrain?.();
        cutOff = await drain.finish({ timeoutMs });
        await shutdown.afterDrain?.();
      })()),
    cutOff: () => cutOff,
  };
}
