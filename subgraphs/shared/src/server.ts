import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { ApolloServer, type ApolloServerPlugin, type HeaderMap } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
} from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { DocumentNode } from 'graphql';
import { createErrorFormatter } from './error-formatter.js';
import { HttpError, parseJsonBody, readBody, toHeaderMap, writeGraphQLResponse } from './http.js';
import { createHttpHost, type HostRoute } from './http-host.js';
import { verifyViewer, type Viewer } from './identity.js';
import { requestLogLevel, type Logger } from './logger.js';
import { requestScope } from './db.js';
import { createSubgraphMetrics, type SubgraphMetrics } from './observability/metrics.js';
import { httpServerSpan, setHttpStatus, withIncomingTrace } from './observability/tracing.js';
import { attachSubscriptionServer } from './ws-server.js';

// the barrel keeps offering it: the router reads it through its own subpath
export { createErrorFormatter };

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

  // only the router (or a sibling service) may call a subgraph
  const signedViewer = (headers: HeaderMap): Viewer => {
    const viewer = verifyViewer(headers, { secret: signingSecret });
    if (viewer) return viewer;
    throw new HttpError(401, 'UNAUTHENTICATED', 'Missing or invalid router signature.');
  };

  const handleGraphQL = async (request: IncomingMessage, response: ServerResponse) => {
    const headers = toHeaderMap(request);
    const viewer = signedViewer(headers);
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

  // like /graphql, a service's own endpoints answer only requests the router (or a sibling) signed
  const handleSigned = async (
    route: HttpRoute,
    request: IncomingMessage,
    response: ServerResponse,
    path: string,
  ) => {
    const headers = toHeaderMap(request);
    const viewer = signedViewer(headers);
    const requestId = headers.get('x-request-id') ?? randomUUID();
    return requestScope.run({ requestId }, () =>
      route.handle({ path, method: request.method ?? 'GET', viewer, requestId, response }),
    );
  };

  const host = createHttpHost({
    service: name,
    log,
    routes: [
      { matches: (path) => path === '/graphql', handle: handleGraphQL },
      ...httpRoutes.map((route): HostRoute => ({
        matches: (path) => path.startsWith(route.prefix),
        handle: (request, response, path) => handleSigned(route, request, response, path),
      })),
    ],
    readiness: async ({ draining }) => {
      const ready = !draining && (await isReady());
      return { status: ready ? 200 : 503, body: { ready, service: name } };
    },
    metrics: {
      contentType: metrics.registry.contentType,
      scrape: () => metrics.registry.metrics(),
    },
    shutdown: {
      // sockets first (1001, going away): the router resubscribes elsewhere with its cursor,
      // then the long polls of the event feeds, which would otherwise hold the drain
      beforeDrain: async () => {
        await subscriptions.close();
        await onStop();
      },
      afterDrain: () => apollo.stop(),
    },
    shutdownTimeoutMs,
  });
  const httpServer = host.httpServer;

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
    listen: async (options) => {
      const origin = await host.listen(options);
      log.info({ port: Number(new URL(origin).port) }, `${name} subgraph ready`);
      return `${origin}/graphql`;
    },
    metrics,
    stop: (options) => host.stop(options),
    cutOff: () => host.cutOff(),
  };
}
