// the baseline: a plain @apollo/gateway + @apollo/server, as a team writes it in an afternoon,
// plus what this graph requires of any gateway (verify the JWT, sign the identity headers)
import { readFileSync } from 'node:fs';
import {
  ApolloGateway,
  RemoteGraphQLDataSource,
  type GraphQLDataSourceProcessOptions,
} from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { signViewer, type Viewer } from '@ordergraph/shared';
import { viewerFromAuthorization } from './jwt.js';
import { readPeerEnv } from './peer-env.js';

interface Context {
  viewer: Viewer;
}

const config = readPeerEnv();
const secret = new TextEncoder().encode(config.jwtSecret);

class SignedDataSource extends RemoteGraphQLDataSource<Context> {
  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<Context>) {
    if (!('viewer' in context)) return;
    const headers = signViewer(context.viewer, { secret: config.signingSecret });
    for (const [name, value] of Object.entries(headers)) request.http?.headers.set(name, value);
  }
}

const gateway = new ApolloGateway({
  // @apollo/gateway refuses the authorization links `for: SECURITY` (it does not enforce them);
  // the bench measures execution, so this peer loads them as plain links
  supergraphSdl: readFileSync(config.supergraphPath, 'utf8').replace(
    /(@link\(url: "https:\/\/specs\.apollo\.dev\/(?:authenticated|requiresScopes)\/[^"]+"), for: SECURITY\)/g,
    '$1)',
  ),
  buildService: ({ name }) =>
    new SignedDataSource({ url: config.subgraphUrls[name as keyof typeof config.subgraphUrls] }),
});
const server = new ApolloServer<Context>({ gateway });
const { url } = await startStandaloneServer(server, {
  listen: { port: config.port, host: '127.0.0.1' },
  context: async ({ req }) => ({
    viewer: await viewerFromAuthorization(req.headers.authorization, secret),
  }),
});
console.log(`apollo gateway ready at ${url}`);

const stop = () => void server.stop().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
