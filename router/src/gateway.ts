import {
  ApolloGateway,
  type Experimental_DidResolveQueryPlanCallback,
  type GraphQLDataSource,
  type GraphQLDataSourceProcessOptions,
} from '@apollo/gateway';
import { signViewer, type Viewer } from '@ordergraph/shared/identity';
import { injectTraceHeaders, setHttpStatus, withHttpClientSpan } from '@ordergraph/shared/tracing';
import { GraphQLError } from 'graphql';
import type { SubgraphName } from './config.js';
import type { RouterContext } from './context.js';
import {
  createSubgraphClient,
  SubgraphTimeoutError,
  type SubgraphClient,
  type SubgraphHttpResponse,
} from './subgraph-client.js';
import { applyApolloUsageTelemetry } from './observability/apollo-telemetry.js';
import { enforcedByTheRouter } from './supergraph-features.js';

/** How long one subgraph fetch may take when ROUTER_SUBGRAPH_TIMEOUT_MS is not set. */
export const DEFAULT_SUBGRAPH_TIMEOUT_MS = 30_000;

/** The code of the error a fetch that timed out leaves in the response. */
export const SUBGRAPH_TIMEOUT = 'SUBGRAPH_TIMEOUT';

type GatewayGraphQLResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;

type FetchObserver = (outcome: { seconds: number; failed: boolean }) => void;

/**
 * Sends every subgraph fetch with the caller's identity in headers the router signs, over the
 * router's pooled HTTP client. What it sends and how it reads the answer are those of
 * `RemoteGraphQLDataSource` (the same body, errors and cache hints), without its per-fetch
 * request, header and response objects.
 */
export class SignedDataSource implements GraphQLDataSource<RouterContext> {
  private readonly url: URL;
  private readonly name: string;
  private readonly sign: ViewerSigner;
  private readonly client: SubgraphClient;
  private readonly onFetch: FetchObserver | undefined;
  private readonly inFlight: InFlightFetches | null;

  constructor(options: {
    url: string;
    /** the subgraph's name, in errors */
    name: string;
    sign: ViewerSigner;
    client: SubgraphClient;
    onFetch?: FetchObserver | undefined;
    /** shares identical query fetches in flight (same subgraph, body and identity); null: off */
    inFlight?: InFlightFetches | null;
  }) {
    this.url = new URL(options.url);
    this.name = options.name;
    this.sign = options.sign;
    this.client = options.client;
    this.onFetch = options.onFetch;
    this.inFlight = options.inFlight ?? null;
  }

  async process(
    options: GraphQLDataSourceProcessOptions<RouterContext>,
  ): Promise<GatewayGraphQLResponse> {
    const started = this.onFetch ? performance.now() : 0;
    let failed = true;
    try {
      const response = await this.fetch(options);
      failed = Boolean(response.errors?.length);
      return response;
    } finally {
      this.onFetch?.({ seconds: (performance.now() - started) / 1000, failed });
    }
  }

  private async fetch(
    options: GraphQLDataSourceProcessOptions<RouterContext>,
  ): Promise<GatewayGraphQLResponse> {
    const { http: requested, ...payload } = options.request;
    if (!payload.query) throw new Error('Missing query');
    const headers: Record<string, string> = {};
    if (requested?.headers) for (const [name, value] of requested.headers) headers[name] = value;
    headers['content-type'] = 'application/json';
    const { context } = options;
    const viewer = 'viewer' in context ? (context.viewer as Viewer | undefined) : undefined;
    if (viewer) {
      Object.assign(headers, this.sign(viewer));
      headers['x-request-id'] = context.requestId;
    }
    const body = JSON.stringify(payload);
    const shareable = !/^\s*mutation\b/.test(payload.query);

    let answer: SubgraphHttpResponse;
    try {
      // one HTTP client span per fetch; the subgraph's server span becomes its child
      answer = await withHttpClientSpan(
        { method: 'POST', url: this.url, attributes: { 'ordergraph.subgraph': this.name } },
        async (span) => {
          injectTraceHeaders((name, value) => (headers[name] = value));
          const sent = await this.send({ body, headers, viewer, shareable });
          setHttpStatus(span, sent.status, 'client');
          return sent;
        },
      );
    } catch (error) {
      if (!(error instanceof SubgraphTimeoutError)) throw error;
      throw new GraphQLError(
        `The ${this.name} service did not answer within ${error.timeoutMs} ms.`,
        { extensions: { code: SUBGRAPH_TIMEOUT, serviceName: this.name } },
      );
    }
    const result = parseBody(answer);
    if (answer.status < 200 || answer.status > 299) {
      throw new GraphQLError(`${answer.status}: ${answer.statusText}`, {
        extensions: {
          response: {
            url: this.url.href,
            status: answer.status,
            statusText: answer.statusText,
            body: result,
          },
          ...(answer.status === 401 ? { code: 'UNAUTHENTICATED' } : {}),
          ...(answer.status === 403 ? { code: 'FORBIDDEN' } : {}),
        },
      });
    }
    if (typeof result !== 'object' || result === null) {
      throw new Error(`Expected JSON response body, but received: ${String(result)}`);
    }
    if ('incomingRequestContext' in options) {
      restrictCachePolicy(
        options.incomingRequestContext.overallCachePolicy,
        answer.headers['cache-control'],
      );
    }
    // no `http`: nothing downstream of the data source reads the subgraph's HTTP response
    return result as GatewayGraphQLResponse;
  }

  // each caller parses the shared answer itself: the gateway writes into the objects it gets
  private send({
    body,
    headers,
    viewer,
    shareable,
  }: {
    body: string;
    headers: Record<string, string>;
    viewer: Viewer | undefined;
    /** false for mutations: each one is sent */
    shareable: boolean;
  }): Promise<SubgraphHttpResponse> {
    // a query changes nothing: it may be sent again when a pooled connection proves closed
    const options = { retryOnStaleConnection: shareable };
    if (!this.inFlight || !shareable) {
      return this.client.post(this.url, body, headers, options);
    }
    const key = `${this.name}\n${JSON.stringify(viewer ?? null)}\n${body}`;
    let answer = this.inFlight.get(key);
    if (!answer) {
      answer = this.client.post(this.url, body, headers, options);
      this.inFlight.set(key, answer);
      const forget = () => this.inFlight?.delete(key);
      answer.then(forget, forget);
    }
    return answer;
  }
}

/** Fetches under way, by subgraph, identity and body (see ROUTER_DEDUP_INFLIGHT). */
export type InFlightFetches = Map<string, Promise<SubgraphHttpResponse>>;

/** The signed identity headers of a viewer (see signViewer). */
export type ViewerSigner = (viewer: Viewer) => Record<string, string>;

/**
 * Signs once per identity and second (the signature's timestamp): the fetches of a request,
 * and the requests of one caller within that second, share the same headers.
 */
export function createViewerSigner(secret: string): ViewerSigner {
  let second = 0;
  let signed = new Map<string, Record<string, string>>();
  return (viewer) => {
    const now = Date.now();
    if (Math.floor(now / 1000) !== second) {
      second = Math.floor(now / 1000);
      signed = new Map();
    }
    const identity = JSON.stringify(viewer);
    let headers = signed.get(identity);
    if (!headers) {
      headers = signViewer(viewer, { secret, now });
      signed.set(identity, headers);
    }
    return headers;
  };
}

/** JSON when the subgraph says so (as RemoteGraphQLDataSource reads it), text otherwise. */
function parseBody({ headers, body }: SubgraphHttpResponse): unknown {
  const type = headers['content-type'];
  if (
    type &&
    (type.startsWith('application/json') || type.startsWith('application/graphql-response+json'))
  ) {
    return JSON.parse(body) as unknown;
  }
  return body;
}

/**
 * The subgraph's `Cache-Control` narrows the response's cache policy, as RemoteGraphQLDataSource
 * does: no `max-age` means not cacheable, `private`/`public` set the scope.
 */
function restrictCachePolicy(policy: unknown, header: string | undefined): void {
  if (!policy || typeof policy !== 'object' || !('restrict' in policy)) return;
  const restrict = (hint: object) => (policy as { restrict(hint: object): void }).restrict(hint);
  // the common case: the subgraph declares nothing cacheable
  if (!header) return restrict({ maxAge: 0 });
  const directives = new Map<string, string | true>();
  for (const part of header.trim().split(/\s*,\s*/)) {
    const [name = '', value] = part.split(/\s*=\s*/, 2);
    directives.set(name, value === undefined ? true : value.replace(/^"|"$/g, ''));
  }
  const maxAge = directives.get('max-age');
  const hint: { maxAge: number; scope?: 'PRIVATE' | 'PUBLIC' } = {
    maxAge: typeof maxAge === 'string' && /^[0-9]+$/.test(maxAge) ? Number(maxAge) : 0,
  };
  if (directives.get('private') === true) hint.scope = 'PRIVATE';
  if (directives.get('public') === true) hint.scope = 'PUBLIC';
  restrict(hint);
}

/** One signed data source per subgraph, shared by the gateway and the subscription executor. */
export function createDataSources({
  subgraphUrls,
  signingSecret,
  onFetch,
  timeoutMs = DEFAULT_SUBGRAPH_TIMEOUT_MS,
  dedupInFlight = false,
}: {
  subgraphUrls: Record<SubgraphName, string>;
  signingSecret: string;
  /** records each fetch's latency (the router's metrics) */
  onFetch?: ((fetch: { subgraph: string; seconds: number; failed: boolean }) => void) | undefined;
  /** how long one fetch may take, connection and answer included (ROUTER_SUBGRAPH_TIMEOUT_MS) */
  timeoutMs?: number | undefined;
  /** share identical query fetches in flight (ROUTER_DEDUP_INFLIGHT) */
  dedupInFlight?: boolean | undefined;
}): Record<SubgraphName, SignedDataSource> {
  const client = createSubgraphClient({ timeoutMs });
  const sign = createViewerSigner(signingSecret);
  const inFlight: InFlightFetches | null = dedupInFlight ? new Map() : null;
  return Object.fromEntries(
    Object.entries(subgraphUrls).map(([name, url]) => [
      name,
      new SignedDataSource({
        url,
        name,
        sign,
        client,
        onFetch: onFetch && ((fetch) => onFetch({ subgraph: name, ...fetch })),
        inFlight,
      }),
    ]),
  ) as Record<SubgraphName, SignedDataSource>;
}

export interface ReloadableGateway {
  gateway: ApolloGateway;
  /** swaps the supergraph: requests already running finish on the one they started with */
  update(supergraphSdl: string): void;
}

/** The gateway over the supergraph file's contents, fetching from the configured subgraph URLs. */
export function createGateway({
  supergraphSdl,
  dataSources,
  onQueryPlan,
  apolloUsageTelemetry = false,
}: {
  supergraphSdl: string;
  dataSources: Record<SubgraphName, SignedDataSource>;
  /** called once a request's plan is built or found, before anything is fetched */
  onQueryPlan?: Experimental_DidResolveQueryPlanCallback;
  /** Apollo's anonymous usage telemetry, off unless the operator opts in */
  apolloUsageTelemetry?: boolean;
}): ReloadableGateway {
  applyApolloUsageTelemetry({ optedIn: apolloUsageTelemetry });
  let push: ((sdl: string) => void) | null = null;
  const gateway = new ApolloGateway({
    supergraphSdl: async ({ update }) => {
      push = update;
      return { supergraphSdl: enforcedByTheRouter(supergraphSdl) };
    },
    buildService: ({ name }) => {
      const source = dataSources[name as SubgraphName];
      if (!source) throw new Error(`the supergraph names an unknown subgraph: ${name}`);
      return source;
    },
    ...(onQueryPlan ? { experimental_didResolveQueryPlan: onQueryPlan } : {}),
  });
  return {
    gateway,
    update(sdl) {
      if (!push) throw new Error('the gateway has not loaded yet');
      push(enforcedByTheRouter(sdl));
    },
  };
}
