import { ApolloServer } from '@apollo/server';
import { sendGraphQLError } from '@ordergraph/shared/http';
import { createHttpHost } from '@ordergraph/shared/http-host';
import type { Logger } from '@ordergraph/shared/logging';
import { authorizeGateway } from './authorization/gateway.js';
import type { RouterConfig } from './config.js';
import type { RouterContext } from './context.js';
import { createDataSources, createGateway } from './gateway.js';
import { createClientAddress } from './http/client-address.js';
import { createExportDownload } from './http/export-download.js';
import { createCors } from './http/cors.js';
import { createDocumentRoute } from './http/documents.js';
import { CSRF_SAFE_HEADERS } from './http/csrf.js';
import { createGraphQLHandler } from './http/graphql-handler.js';
import { createRouterErrorFormatter } from './http/error-masking.js';
import { createSchemaExposure } from './http/schema-exposure.js';
import { createSecurityHeaders } from './http/security-headers.js';
import { afterRequestBody, answerMalformedRequests } from './http/refusals.js';
import { createRouteTable } from './http/routes.js';
import { createUnknownOperationPlugin } from './http/unknown-operation.js';
import { readClientsFile } from './clients/clients-file.js';
import { createStreamAdmission } from './subscriptions/admission.js';
import { createRequestLimits } from './limits/request-limits.js';
import type { LimitDefaults } from './limits/settings.js';
import { createRouterMetrics } from './metrics.js';
import { createOperationPipeline } from './persisted/pipeline.js';
import { createWorkerScrape, isClusterWorker } from './observability/cluster-metrics.js';
import { createRequestLog } from './observability/request-log.js';
import { createRequestMetrics } from './observability/request-metrics.js';
import { createOperationSpanPlugin } from './observability/operation-span.js';
import { checkSubgraphs, readiness } from './readiness.js';
import { createHttpSubscriptionHandler } from './subscriptions/http-subscription.js';
import { createOperationExecutor } from './subscriptions/operation-executor.js';
import { createSubscriptionService, type SubscriptionService } from './subscriptions/service.js';
import { createServerSentEventsHandler } from './subscriptions/sse-transport.js';
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
  const dataSources = createDataSources({
    subgraphUrls,
    signingSecret,
    onFetch: requestMetrics.observeFetch,
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

  const handleGraphQL = createGraphQLHandler({
    apollo,
    operations,
    limits,
    jwt,
    clientAddress,
    httpSubscriptions: createHttpSubscriptionHandler({
      service: subscriptions,
      visibleErrors: schemaExposure.errorsFor,
    }),
    requestLog,
    log,
  });
  const { routes, beforeRoute } = createRouteTable({
    sandbox,
    cors,
    securityHeaders,
    limits,
    handleGraphQL,
    handleServerSentEvents,
    downloads: [documents, exportDownload],
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

  // the HTTP server the subgraphs use too: /health, /ready, /metrics, the routes, the drain
  const host = createHttpHost({
    service: 'router',
    log,
    routes,
    beforeRoute,
    readiness: ({ draining }) => readiness({ draining, subgraphUrls }),
    metrics: { contentType: metrics.contentType, scrape },
    // a refused body (too large, say) is read to its end first: the client is still sending
    refuse: (request, response, error) =>
      afterRequestBody(request, () => sendGraphQLError(response, error)),
    logFields: (request) => ({ clientAddress: clientAddress(request) }),
    shutdown: {
      beforeDrain: async () => {
        subscriptions.closeAll(
          'SUBSCRIPTION_SERVER_SHUTDOWN',
          'The router is shutting down: resubscribe with your last cursor.',
        );
        // the last messages reach the sockets before they close
        await new Promise((resolve) => setTimeout(resolve, 50));
        await webSockets.close();
        await subscriptions.stop();
      },
      afterDrain: async () => {
        await apollo.stop();
        await operations.close();
        await limits.close();
        if (redis) await closeRedis(redis);
      },
    },
    shutdownTimeoutMs,
  });
  answerMalformedRequests(host.httpServer);

  const webSockets = attachWebSocketTransport({
    httpServer: host.httpServer,
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

  return {
    listen: async (options) => `${await host.listen(options)}/graphql`,
    reload(sdl) {
      gateway.update(sdl);
      subscriptions.reload(sdl);
      documents.reload(sdl);
      log.info('supergraph reloaded');
    },
    subscriptionStats,
    inFlight: () => host.inFlight(),
    stop: () => host.stop(),
    cutOff: () => host.cutOff(),
  };
}
