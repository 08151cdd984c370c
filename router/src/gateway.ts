import {
  ApolloGateway,
  RemoteGraphQLDataSource,
  type GraphQLDataSourceProcessOptions,
} from '@apollo/gateway';
import { signViewer } from '@ordergraph/shared';
import type { SubgraphName } from './config.js';
import type { RouterContext } from './context.js';

/** Sends every subgraph fetch with the caller's identity in headers the router signs. */
export class SignedDataSource extends RemoteGraphQLDataSource<RouterContext> {
  constructor(
    url: string,
    private readonly signingSecret: string,
  ) {
    super({ url });
  }

  override willSendRequest({
    request,
    context,
  }: GraphQLDataSourceProcessOptions<RouterContext>): void {
    const headers = request.http?.headers;
    if (!headers || !('viewer' in context) || !context.viewer) return;
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
): Record<SubgraphName, SignedDataSource> {
  return Object.fromEntries(
    Object.entries(subgraphUrls).map(([name, url]) => [
      name,
      new SignedDataSource(url, signingSecret),
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
}: {
  supergraphSdl: string;
  dataSources: Record<SubgraphName, SignedDataSource>;
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
  });
  return {
    gateway,
    update(sdl) {
      if (!push) throw new Error('the gateway has not loaded yet');
      push(sdl);
    },
  };
}
