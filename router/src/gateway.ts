import {
  ApolloGateway,
  RemoteGraphQLDataSource,
  type Experimental_DidResolveQueryPlanCallback,
  type GraphQLDataSourceProcessOptions,
} from '@apollo/gateway';
import { injectTraceHeaders, signViewer } from '@ordergraph/shared';
import type { SubgraphName } from './config.js';
import type { RouterContext } from './context.js';

/** Sends every subgraph fetch with the caller's identity in headers the router signs. */
export class SignedDataSource extends RemoteGraphQLDataSource<RouterContext> {
  constructor(
    url: string,
    private readonly signingSecret: string,
    private readonly onFetch?: (outcome: { seconds: number; failed: boolean }) => void,
  ) {
    super({ url });
  }

  override async process(
    options: GraphQLDataSourceProcessOptions<RouterContext>,
  ): ReturnType<RemoteGraphQLDataSource<RouterContext>['process']> {
    if (!this.onFetch) return super.process(options);
    const started = performance.now();
    let failed = true;
    try {
      const response = await super.process(options);
      failed = Boolean(response.errors?.length);
      return response;
    } finally {
      this.onFetch({ seconds: (performance.now() - started) / 1000, failed });
    }
  }

  override willSendRequest({
    request,
    context,
  }: GraphQLDataSourceProcessOptions<RouterContext>): void {
    const headers = request.http?.headers;
    if (!headers) return;
    // the gateway's fetch span is active here: the subgraph's spans join the same trace
    injectTraceHeaders((name, value) => headers.set(name, value));
    if (!('viewer' in context) || !context.viewer) return;
    for (const [name, value] of Object.entries(
      signViewer(context.viewer, { secret: this.signingSecret }),
    )) {
      headers.set(name, value);
    }
    headers.set('x-request-id', context.requestId);
  }
}

/** One signed data source per subgraph, shared by the gateway and the subscription executor. */
export function createDataSources(
  subgraphUrls: Record<SubgraphName, string>,
  signingSecret: string,
  /** records each fetch's latency (the router's metrics) */
  onFetch?: (fetch: { subgraph: string; seconds: number; failed: boolean }) => void,
): Record<SubgraphName, SignedDataSource> {
  return Object.fromEntries(
    Object.entries(subgraphUrls).map(([name, url]) => [
      name,
      new SignedDataSource(
        url,
        signingSecret,
        onFetch && ((fetch) => onFetch({ subgraph: name, ...fetch })),
      ),
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
}: {
  supergraphSdl: string;
  dataSources: Record<SubgraphName, SignedDataSource>;
  /** called once a request's plan is built or found, before anything is fetched */
  onQueryPlan?: Experimental_DidResolveQueryPlanCallback;
}): ReloadableGateway {
  let push: ((sdl: string) => void) | null = null;
  const gateway = new ApolloGateway({
    supergraphSdl: async ({ update }) => {
      push = update;
      return { supergraphSdl };
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
      push(sdl);
    },
  };
}
