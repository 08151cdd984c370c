import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
} from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, type DocumentNode, type GraphQLFormattedError } from 'graphql';
import {
  HttpError,
  parseJsonBody,
  readBody,
  sendGraphQLError,
  sendJson,
  toHeaderMap,
  writeGraphQLResponse,
} from './http.js';
import { verifyViewer, type Viewer } from './identity.js';
import { requestLogLevel, type Logger } from './logger.js';
import { requestScope } from './db.js';
import { createDrain } from './observability/drain.js';
import { createSubgraphMetrics, type SubgraphMetrics } from './observability/metrics.js';
import { httpServerSpan, setHttpStatus, withIncomingTrace } from './observability/tracing.js';
import { attachSubscriptionServer } from './ws-server.js';

type SubgraphResolvers = Extract<
  Parameters<typeof buildSubgraphSchema>[0],
  { typeDefs: DocumentNode }
>['resolvers'];

export interface BaseContext {
  viewer: Viewer;
  requestId: string;
  log: Logger;
}

export interface SubgraphServerOptions<Context extends BaseContext> {
  name: string;
  typeDefs: DocumentNode;
  resolvers: unknown;
  signingSecret: string;
  log: Logger;
  /** builds the per-request context (loaders are made here, never at module scope) */
  createContext: (base: BaseContext) => Context | Promise<Context>;
  /** whether the service's dependencies answer, for /ready */
  isReady?: () => Promise<boolean>;
  /** production masks unexpected errors and turns introspection off */
  production?: boolean;
  /** more Apollo Server plugins */
  plugins?: ApolloServerPlugin<Context>[];
  /** releases what the service holds besides the server (event feeds, consumers, the tail) */
  onStop?: () => Promise<void>;
  /** how long `stop` waits for requests under way before closing their connections */
  shutdownTimeoutMs?: number;
  /**
   * HTTP endpoints besides /graphql (a file download, say), each under its own path prefix;
   * like /graphql, only requests signed by the router (or a sibling service) reach them
   */
  httpRoutes?: readonly HttpRoute[];
}

/** An HTTP endpoint of a subgraph besides /graphql: see `httpRoutes`. */
export interface HttpRoute {
  /** the paths it answers start with this, e.g. "/exports/" */
  prefix: string;
  handle(request: {
    path: string;
    method: string;
    viewer: Viewer;
    requestId: string;
    response: ServerResponse;
  }): Promise<void>;
}

export interface SubgraphServer {
  httpServer: Server;
  /** listens and resolves to the GraphQL URL */
  listen(options?: { port?: number; host?: string }): Promise<string>;
  /** the Prometheus registry served at /metrics; a service adds its own gauges here */
  metrics: SubgraphMetrics;
  /**
   * Stops accepting, turns /ready to 503, closes subscriptions and what `onStop` holds, and
   * waits for the requests under way (at most `timeoutMs`, by default `shutdownTimeoutMs`).
   */
  stop(options?: { timeoutMs?: number }): Promise<void>;
  /** how many requests the shutdown deadline cut off (0 before a shutdown, or when none was) */
  cutOff(): number;
}

/** Masks errors without a code in production: the code stays, the internals go to the log. */
export function createErrorFormatter({ production, log }: { production: boolean; log: Logger }) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const isExpected = original instanceof GraphQLError && original.extensions['code'];
    if (isExpected) return formatted;
    log.error({ err: original }, 'unexpected error');
    if (!production) return formatted;
    return {
      message: 'Unexpected error.',
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}

function requestLogPlugin<Context extends BaseContext>(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ contextValue }) {
      const started = performance.now();
      return {
        async willSendResponse({ operationName, errors, request }) {
          const durationMs = Math.round(performance.now() - started);
          // the router logs a client's mutation once: here only errors and slow requests,
          // where a long poll (an event consumer's feed read, waitMs) is slow on purpose
          const level = requestLogLevel({
            mutation: false,
            errors: errors?.length ?? 0,
            durationMs,
            longPoll: Number(request.variables?.['waitMs'] ?? 0) > 0,
          });
          contextValue.log[level](
            { operationName, errors: errors?.length ?? 0, durationMs },
            'graphql request',
          );
        },
      };
    },
  };
}

/**
 * A Federation 2 subgraph on Node's http server: /graphql (signed requests only) over http and
 * over graphql-ws (subscriptions; see ws-server.ts), /health and /ready. Nothing listens until
 * `listen` is called, so tests can pick the port.
 */
export async function createSubgraphServer<Context extends BaseContext>({
  name,
  typeDefs,
  resolvers,
  signingSecret,
  log,
  createContext,
  isReady = async () => true,
  production = false,
  plugins = [],
  onStop = async () => {},
  shutdownTimeoutMs = 10_000,
  httpRoutes = [],
}: SubgraphServerOptions<Context>): Promise<SubgraphServer> {
  const metrics = createSubgraphMetrics({ service: name });
  const schema = buildSubgraphSchema({ typeDefs, resolvers: resolvers as SubgraphResolvers });
  const formatError = createErrorFormatter({ production, log });
  const apollo = new ApolloServer<Context>({
    schema,
    introspection: !production,
    includeStacktraceInErrorResponses: !production,
    formatError,
    // the process's own SIGTERM handler drains first; Apollo's would stop at once and re-raise
    // the signal, killing the process with requests still under way
    stopOnTerminationSignals: false,
    // no trace reporting to a hosted service: the router does not ask for traces
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      // no type declares a cache hint, and the plugin wraps every resolver of every request to
      // compute a policy that always comes out "not cacheable" (5% of a subgraph's CPU)
      ApolloServerPluginCacheControlDisabled(),
      requestLogPlugin<Context>(),
      metrics.plugin as ApolloServerPlugin<Context>,
      ...plugins,
    ],
  });
  await apollo.start();

  const handleGraphQL = async (request: IncomingMessage, response: ServerResponse) => {
    const headers = toHeaderMap(request);
    const viewer = verifyViewer(headers, { secret: signingSecret });
    if (!viewer) {
      // only the router (or a sibling service) may call a subgraph
      throw new HttpError(401, 'UNAUTHENTICATED', 'Missing or invalid router signature.');
    }
    const requestId = headers.get('x-request-id') ?? randomUUID();
    const body =
      request.method === 'POST'
        ? parseJsonBody(await readBody(request), headers.get('content-type'))
        : undefined;
    const url = new URL(request.url ?? '/', 'http://localhost');
    const result = await withIncomingTrace(
      headers,
      httpServerSpan(request, {
        route: '/graphql',
        attributes: { 'ordergraph.service': name, 'ordergraph.request_id': requestId },
      }),
      async (span) => {
        const answer = await requestScope.run({ requestId }, () =>
          apollo.executeHTTPGraphQLRequest({
            httpGraphQLRequest: {
              method: request.method ?? 'GET',
              headers,
              search: url.search,
              body,
            },
            context: async () =>
              createContext({ viewer, requestId, log: log.child({ requestId }) }),
          }),
        );
        setHttpStatus(span, answer.status ?? 200, 'server');
        return answer;
      },
    );
    await writeGraphQLResponse(response, result, { 'x-request-id': requestId });
  };

  const httpServer = createServer((request, response) => {
    drain.track(response);
    const path = (request.url ?? '/').split('?')[0];
    const handle = async () => {
      if (path === '/health') return sendJson(response, 200, { status: 'ok', service: name });
      if (path === '/ready') {
        const ready = !drain.draining && (await isReady());
        return sendJson(response, ready ? 200 : 503, { ready, service: name });
      }
      if (path === '/metrics') {
        response.writeHead(200, { 'content-type': metrics.registry.contentType });
        return response.end(await metrics.registry.metrics());
      }
      if (path === '/graphql') return handleGraphQL(request, response);
      const route = httpRoutes.find((candidate) => path?.startsWith(candidate.prefix));
      if (route && path) {
        const headers = toHeaderMap(request);
        const viewer = verifyViewer(headers, { secret: signingSecret });
        if (!viewer) {
          throw new HttpError(401, 'UNAUTHENTICATED', 'Missing or invalid router signature.');
        }
        const requestId = headers.get('x-request-id') ?? randomUUID();
        return requestScope.run({ requestId }, () =>
          route.handle({ path, method: request.method ?? 'GET', viewer, requestId, response }),
        );
      }
      sendJson(response, 404, { error: 'not found' });
    };
    handle().catch((error: unknown) => {
      if (error instanceof HttpError) return sendGraphQLError(response, error);
      log.error({ err: error }, 'request failed');
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

  const subscriptions = attachSubscriptionServer({
    httpServer,
    schema,
    signingSecret,
    log,
    createContext,
    formatError,
    production,
  });

  return {
    httpServer,
    listen: ({ port = 0, host = '127.0.0.1' } = {}) =>
      new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          const address = httpServer.address() as AddressInfo;
          const shownHost = host === '0.0.0.0' ? '127.0.0.1' : host;
          log.info({ port: address.port }, `${name} subgraph ready`);
          resolve(`http://${shownHost}:${address.port}/graphql`);
        });
      }),
    metrics,
    // once: a second signal (or a test's cleanup) waits for the same shutdown
    stop: ({ timeoutMs = shutdownTimeoutMs } = {}) =>
      (stopping ??= (async () => {
        void drain.stopAccepting();
        // sockets next (1001, going away): the router resubscribes elsewhere with its cursor
        await subscriptions.close();
        // ends the long polls of the event feeds, which would otherwise hold the drain
        await onStop();
        cutOff = await drain.finish({ timeoutMs });
        await apollo.stop();
      })()),
    cutOff: () => cutOff,
  };
}
