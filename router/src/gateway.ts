import {
  ApolloGateway,
  RemoteGraphQLDataSource,
  type GraphQLDataSourceProcessOptions,
} from '@apollo/gateway';
import { signViewer } from '@ordergraph/shared';
import type { SubgraphName } from './config.js';
import type { RouterContext } from './context.js';

/** Sends every subgraph fetch with the caller's identity in headers the router signs. */
class SignedDataSource extends RemoteGraphQLDataSource<RouterContext> {
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

/** The gateway over a static supergraph, fetching from the configured subgraph URLs. */
export function createGateway({
  supergraphSdl,
  subgraphUrls,
  signingSecret,
}: {
  supergraphSdl: string;
  subgraphUrls: Record<SubgraphName, string>;
  signingSecret: string;
}): ApolloGateway {
  return new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) =>
      new SignedDataSource(subgraphUrls[name as SubgraphName] ?? url ?? '', signingSecret),
  });
}
