import { randomUUID } from 'node:crypto';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import {
  createDrain,
  HttpError,
  parseJsonBody,
  readBody,
  sendGraphQLError,
  sendJson,
  toHeaderMap,
  httpServerSpan,
  setHttpStatus,
  withIncomingTrace,
  writeGraphQLResponse,
  type Logger,
} from '@ordergraph/shared';
import { authenticateWithExpiry } from './auth.js';
import { authorizeGateway } from './authorization/gateway.js';
import type { RouterConfig } from './config.js';
import type { RouterContext } from './context.js';
import { createDataSources, createGateway } from './gateway.js';
import { createClientAddress } from './http/client-address.js';
import { createExportDownload } from './http/export-download.js';
import { createCors } from './http/cors.js';
import { createDocumentRoute } from './http/documents.js';
import { assertNotCrossSiteSimple, CSRF_SAFE_HEADERS, isLandingPageRequest } from './http/csrf.js';
import { createRouterErrorFormatter } from './http/error-masking.js';
import { createSchemaExposure } from './http/schema-exposure.js';
import { createSecurityHeaders } from './http/security-headers.js';
import {
  afterRequestBody,
  answerMalformedRequests,
  assertDeclaredBodyWithin,
} from './http/refusals.js';
import { createUnknownOperationPlugin } from './http/unknown-operation.js';
import { readClientsFile } from './clients/clients-file.js';
import { createStreamAdmission } from './subscriptions/admission.js';
import { createRequestLimits } from './limits/request-limits.js';
import type { LimitDefaults } from './limits/settings.js';
import { createRouterMetrics } from './metrics.js';
import { createOperationPipeline } from './persisted/pipeline.js';
import { createWorkerScrape, isClusterWorker } from './observability/cluster-metrics.js';
import { createRequestLog } from './observability/request-log.js';
import { clientApplicationOf } from './observability/client-awareness.js';
import { createRequestMetrics } from './observability/request-metrics.js';
import { createOperationSpanPlugin } from './observability/operation-span.js';
import { checkSubgraphs, readiness } from './readiness.js';
import { createHttpSubscriptionHandler } from './subscriptions/http-subscription.js';
import { createOperationExecutor } from './subscriptions/operation-executor.js';
import { createSubscriptionService, type SubscriptionService } from './subscriptions/service.js';
import {
  createServerSentEventsHandler,
  isServerSentEventsRequest,
} from './subscriptions/sse-transport.js';
import { closeRedis, openRedis } from './redis.js';
import type { ReservationLimits } from './subscriptions/sse-reservations.js';
import { realClock, type Clock } from './clock.js';
import { attachWebSocketTransport } from './subscriptions/ws-transport.js';

export interface Router {
  listen(options?: { port?: number; host?: string }): Promise<string>;
  /**
   * Serves another supergraph: requests under way finish on the old one, live subscriptions
   * end with `SUBSCRIPTION_SCHEMA_RELOAD` so clients resubscribe with their cursor.
   */
  reload(supergraphSdl: string): void;
  /** shared and upstream subscriptions, and the fetches their events caused */
  subscriptionStats(): ReturnType<SubscriptionService['stats']> & { sockets: number };
  /** requests under way (streams included), for shutdown and its tests */
  inFlight(): number;
  /**
   * Stops accepting, completes live subscriptions with `SUBSCRIPTION_SERVER_SHUTDOWN` (clients
   * reconnect with their cursor) and waits for requests under way.
   */
  stop(): Promise<void>;
  /** how many requests the shutdown deadline cut off (0 before a shutdown, or when none was) */
  cutOff(): number;
}

export type RouterOptions = Pick<
  RouterConfig,
  'production' | 'subgraphUrls' | 'jwtSecret' | 'jwtIssuer' | 'jwtAudience' | 'signingSecret'
> &
  Partial<
    Pick<
      RouterConfig,
      | 'clientsPath'
      | 'redisUrl'
      | 'apqTtlSeconds'
      | 'getMaxAgeSeconds'
      | 'corsOrigins'
      | 'jwks'
      | 'subgraphTimeoutMs'
      | 'dedupInFlight'
      | 'trustedProxies'
      | 'clientAddressHeader'
      | 'metricsLabelCap'
      | 'apolloUsageTelemetry'
    >
  > & {
    supergraphSdl: string;
    log: Logger;
    /** how long `stop` waits for requests under way before closing their connections */
    shutdownTimeoutMs?: number;
    /** request limits and the default rate limit; unset ones take the defaults */
    limits?: Partial<LimitDefaults>;
    /** SSE streams reserved and not connected yet: how long they wait, how many per address */
    sseReservations?: ReservationLimits;
    /** the time tokens expire by (the real clock by default); tests pass their own */
    clock?: Clock;
  };

/** The router: one GraphQL endpoint over the five subgraphs, plus /health and /ready. */
export async function createRouter({
  production,
  supergraphSdl,
  subgraphUrls,
  jwtSecret,
  jwtIssuer,
  jwtAudience,
  jwks,
  signingSecret,
  log,
  shutdownTimeoutMs = 10_000,
  subgraphTimeoutMs,
  dedupInFlight,
  corsOrigins,
  limits: limitSettings,
  sseReservations,
  redisUrl,
  trustedProxies = [],
  clientAddressHeader,
  metricsLabelCap,
  apolloUsageTelemetry,
  clock = realClock,
  ...operationOptions
}: RouterOptions): Promise<Router> {
  // read once: the callers, their limits and who may introspect all come from it
  const clients = readClientsFile(operationOptions.clientsPath);
  // one connection for APQ registrations and rate-limit buckets
  const redis = redisUrl ? openRedis(redisUrl, log) : undefined;
  const operations = createOperationPipeline({
    ...operationOptions,
    clients,
    redis,
    metricsLabelCap,
    log,
  });
  // who a request comes from, for rate limits, SSE reservations and the logs
  const clientAddress = createClientAddress({ trustedProxies, header: clientAddressHeader });
  // the browser-facing edges: which pages may call, what the responses forbid, who sees the schema
  const cors = createCors({ origins: corsOrigins, production });
  const securityHeaders = createSecurityHeaders({ production });
  const schemaExposure = createSchemaExposure({
    production,
    introspectionClients: clients.clients
      .filter((client) => client.introspection === true)
      .map((client) => client.name),
  });
  const limits = createRequestLimits({
    limits: limitSettings,
    clients,
    redis,
    supergraphSdl,
    log,
  });
  const requestMetrics = createRequestMetrics({ labelCap: metricsLabelCap });
  const dataSources = createDataSources(subgraphUrls, signingSecret, requestMetrics.observeFetch, {
    timeoutMs: subgraphTimeoutMs,
    dedupInFlight,
  });
  const gateway = createGateway({
    supergraphSdl,
    dataSources,
    onQueryPlan: operations.onQueryPlan,
    apolloUsageTelemetry,
  });
  const formatError = createRouterErrorFormatter({ production, log });
  const requestLog = createRequestLog<RouterContext>();
  const apollo = new ApolloServer<RouterContext>({
    // @authenticated and @requiresScopes of the supergraph, enforced before planning
    gateway: authorizeGateway(gateway.gateway),
    persistedQueries: operations.persistedQueries,
    // on for everyone here: schemaExposure.plugin refuses it per caller in production
    introspection: true,
    includeStacktraceInErrorResponses: !production,
    formatError,
    // index.ts drains on SIGTERM; Apollo's own handler would stop at once and re-raise the signal
    stopOnTerminationSignals: false,
    // partners' persisted GETs carry an API key: that header needs a preflight as well
    csrfPrevention: { requestHeaders: CSRF_SAFE_HEADERS },
    parseOptions: limits.parseOptions,
    plugins: [
      schemaExposure.plugin,
      createUnknownOperationPlugin<RouterContext>(),
      requestMetrics.plugin,
      createOperationSpanPlugin<RouterContext>(),
      limits.plugin,
      requestLog.plugin,
    ],
  });
  await apollo.start();
  await operations.warm(apollo, supergraphSdl);
  const jwt = { secret: jwtSecret, issuer: jwtIssuer, audience: jwtAudience, jwks, now: clock.now };
  // the GraphiQL sandbox and its sign-in exist only in development: never loaded in production
  const sandbox = production
    ? undefined
    : await import('./sandbox/index.js').then(({ createSandbox }) => createSandbox({ jwt, log }));
  const subscriptions = createSubscriptionService({
    clock,
    formatError,
    supergraphSdl,
    dataSources,
    subgraphUrls,
    signingSecret,
    log,
    limits,
  });
  const executeOperation = createOperationExecutor(apollo, log);
  // invoices' and credit notes' PDFs (Invoice.pdfUrl), for the viewers of the documents
  const documents = createDocumentRoute({
    supergraphSdl,
    ordersUrl: subgraphUrls.orders,
    signingSecret,
    jwt,
  });
  // API keys and operation policies hold on the streaming transports as over HTTP
  const admission = createStreamAdmission(operations);
  const handleServerSentEvents = createServerSentEventsHandler({
    service: subscriptions,
    executeOperation,
    jwt,
    admission,
    limits,
    visibleErrors: schemaExposure.errorsFor,
    reservationLimits: sseReservations,
    clientAddress,
  });

  // export files of the orders service, for the caller of the token (see ExportJob.downloadUrl)
  const exportDownload = createExportDownload({
    ordersUrl: subgraphUrls.orders,
    signingSecret,
    jwt,
  });

  const handleHttpSubscription = createHttpSubscriptionHandler({
    service: subscriptions,
    visibleErrors: schemaExposure.errorsFor,
  });

  const handleGraphQL = async (request: IncomingMessage, response: ServerResponse) => {
    const headers = toHeaderMap(request);
    const requestId = headers.get('x-request-id') ?? randomUUID();
    const address = clientAddress(request);
    response.setHeader('x-request-id', requestId);
    // the caller (API key, token) and its operation policy, before anything is executed
    const {
      viewer: tokenViewer,
      expiresAt,
      scopes: tokenScopes,
    } = await authenticateWithExpiry(headers.get('authorization'), jwt);
    const admitted = operations.admit({
      method: request.method ?? 'GET',
      headers,
      viewer: tokenViewer,
      body:
        request.method === 'POST'
          ? parseJsonBody(await readBody(request, limits.maxBodyBytes), headers.get('content-type'))
          : undefined,
      search: new URL(request.url ?? '/', 'http://localhost').search,
    });
    const { viewer } = admitted.caller;
    // one token per request (a multipart subscription included), before anything is parsed
    await limits.admit({
      viewer,
      address,
      response,
      request: admitted.request,
    });
    const { body, search } = admitted.request;
    const operation = body ?? Object.fromEntries(new URLSearchParams(search));
    const identity = { viewer, expiresAt, requestId, scopes: tokenScopes };
    if (await handleHttpSubscription(operation, headers, response, identity)) return;
    const started = performance.now();
    const context: RouterContext = {
      viewer,
      tokenScopes,
      requestId,
      log: log.child({ requestId }),
    };
    const application = clientApplicationOf(headers);
    // the response is written and logged inside the server span: the log line carries its ids
    await withIncomingTrace(
      headers,
      httpServerSpan(request, {
        route: '/graphql',
        attributes: {
          'ordergraph.request_id': requestId,
          ...(address ? { 'client.address': address } : {}),
          ...(application.name ? { 'apollo.client.name': application.name } : {}),
          ...(application.version ? { 'apollo.client.version': application.version } : {}),
        },
      }),
      async (span) => {
        const answer = await apollo.executeHTTPGraphQLRequest({
          httpGraphQLRequest: {
            method: request.method ?? 'GET',
            headers,
            search,
            body,
          },
          context: async () => context,
        });
        const status = answer.status ?? 200;
        setHttpStatus(span, status, 'server');
        await writeGraphQLResponse(response, operations.respond(admitted, headers, answer));
        const durationMs = Math.round(performance.now() - started);
        // reads that went well at debug: one line per request that did something
        log[requestLog.level(context, { status, durationMs })](
          {
            requestId,
            clientAddress: address,
            clientName: application.name,
            clientVersion: application.version,
            status,
            durationMs,
          },
          'graphql request',
        );
      },
    );
  };

  const httpServer = createHttpServer((request, response) => {
    drain.track(response);
    const path = (request.url ?? '/').split('?')[0];
    // a browser opening /graphql gets the sandbox too: it asks for a page, not an operation
    const landing =
      sandbox !== undefined &&
      path === '/graphql' &&
      isLandingPageRequest(request.method, request.headers, request.url);
    const page =
      landing || (sandbox !== undefined && (path === '/' || !!path?.startsWith('/sandbox/')));
    securityHeaders.apply(response, { page });
    const handle = async () => {
      if (path === '/health') return sendJson(response, 200, { status: 'ok', service: 'router' });
      if (path === '/ready') {
        const { status, body } = await readiness({ draining: drain.draining, subgraphUrls });
        return sendJson(response, status, body);
      }
      if (path === '/metrics') {
        const text = await scrape().catch((error: unknown) => {
          log.warn({ err: error }, 'metrics scrape failed');
          return null;
        });
        if (text === null) return sendJson(response, 503, { error: 'metrics unavailable' });
        response.writeHead(200, { 'content-type': metrics.contentType });
        return response.end(text);
      }
      if (landing && sandbox) return void (await sandbox.handle(request, response, '/'));
      if (path === '/graphql') {
        if (cors.handle(request, response)) return;
        // before anything is read or run, whichever transport answers
        assertNotCrossSiteSimple(request.method ?? 'GET', request.headers);
        assertDeclaredBodyWithin(request, limits.maxBodyBytes);
        if (isServerSentEventsRequest(request)) return handleServerSentEvents(request, response);
        return handleGraphQL(request, response);
      }
      if (path && documents.matches(path)) return documents.handle(request, response, path);
      if (path && exportDownload.matches(path)) {
        return exportDownload.handle(request, response, path);
      }
      if (sandbox && path && (path === '/' || path.startsWith('/sandbox/'))) {
        if (await sandbox.handle(request, response, path)) return;
      }
      sendJson(response, 404, { error: 'not found' });
    };
    handle().catch((error: unknown) => {
      if (error instanceof HttpError) {
        // a refused body (too large, say) is read to its end first: the client is still sending
        return afterRequestBody(request, () => sendGraphQLError(response, error));
      }
      log.error({ err: error, clientAddress: clientAddress(request) }, 'request failed');
      if (!response.headersSent) {
        sendGraphQLError(
          response,
          new HttpError(500, 'INTERNAL_SERVER_ERROR', 'Unexpected error.'),
        );
      } else response.end();
    });
  });
  answerMalformedRequests(httpServer);
  const drain = createDrain(httpServer);
  let stopping: Promise<void> | undefined;
  let cutOff = 0;

  const webSockets = attachWebSocketTransport({
    httpServer,
    path: '/graphql',
    service: subscriptions,
    executeOperation,
    jwt,
    admission,
    limits,
    allowsOrigin: cors.allows,
    visibleErrors: schemaExposure.errorsFor,
    maxPayloadBytes: limits.maxBodyBytes,
    clientAddress,
    log,
  });

  const subscriptionStats = () => ({ ...subscriptions.stats(), sockets: webSockets.connections });
  const metrics = createRouterMetrics({
    subscriptionStats,
    subgraphHealth: () => checkSubgraphs(subgraphUrls),
  });
  requestMetrics.register(metrics);
  operations.registerMetrics(metrics);
  limits.registerMetrics(metrics);
  // under ROUTER_WORKERS a scrape reaches one worker: it answers with every worker's figures
  const scrape = isClusterWorker() ? createWorkerScrape(metrics) : () => metrics.metrics();

  return {
    listen: ({ port = 0, host = '127.0.0.1' } = {}) =>
      new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          const address = httpServer.address() as AddressInfo;
          resolve(`http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}/graphql`);
        });
      }),
    reload(sdl) {
      gateway.update(sdl);
      subscriptions.reload(sdl);
      documents.reload(sdl);
      log.info('supergraph reloaded');
    },
    subscriptionStats,
    inFlight: () => drain.inFlight,
    // once: a second signal (or a test's cleanup) waits for the same shutdown
    stop: () =>
      (stopping ??= (async () => {
        // /ready turns 503 and no new connection is accepted; requests under way carry on
        void drain.stopAccepting();
        subscriptions.closeAll(
          'SUBSCRIPTION_SERVER_SHUTDOWN',
          'The router is shutting down: resubscribe with your last cursor.',
        );
        // the last messages reach the sockets before they close
        await new Promise((resolve) => setTimeout(resolve, 50));
        await webSockets.close();
        await subscriptions.stop();
        cutOff = await drain.finish({ timeoutMs: shutdownTimeoutMs });
        await apollo.stop();
        await operations.close();
        await limits.close();
        if (redis) await closeRedis(redis);
      })()),
    cutOff: () => cutOff,
  };
}
