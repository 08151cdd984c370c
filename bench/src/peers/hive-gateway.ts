// Hive Gateway on the same supergraph file: its JavaScript query planner, or with
// BENCH_PLANNER=rust the Rust one of @graphql-hive/router-runtime. It serves subscriptions
// over graphql-ws, as its own CLI does, and opens them on the subgraphs over graphql-ws too.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createGatewayRuntime, getGraphQLWSOptions } from '@graphql-hive/gateway';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { useSignedIdentity } from './hive-identity.js';
import { readPeerEnv } from './peer-env.js';

const config = readPeerEnv();
const rustPlanner = process.env['BENCH_PLANNER'] === 'rust';

const gateway = createGatewayRuntime({
  supergraph: readFileSync(config.supergraphPath, 'utf8'),
  ...(rustPlanner ? { unifiedGraphHandler } : {}),
  transportEntries: {
    ...Object.fromEntries(
      Object.entries(config.subgraphUrls).map(([name, url]) => [name, { location: url }]),
    ),
    '*.http': {
      options: {
        // on by default in Hive's HTTP transport
        deduplicateInflightRequests: config.dedup,
        // subscriptions go to the subgraphs over graphql-ws, on their GraphQL path; the signed
        // identities travel in the messages (see hive-identity.ts)
        subscriptions: { kind: 'ws', location: '/graphql' },
      },
    },
  },
  logging: 'error',
  graphiql: false,
  landingPage: false,
  plugins: () => [
    useSignedIdentity({ jwtSecret: config.jwtSecret, signingSecret: config.signingSecret }),
  ],
});

const server = createServer(gateway);

// graphql-ws for the clients, as Hive Gateway's CLI sets it up; a client's token comes in
// connection_init, and is handed to the gateway as the request's authorization header
const sockets = new WebSocketServer({ server, path: gateway.graphqlEndpoint });
const socketServer = useServer(
  getGraphQLWSOptions(gateway, (ctx) => {
    const authorization = ctx.connectionParams?.['authorization'];
    return {
      request: new gateway.fetchAPI.Request(`http://127.0.0.1:${config.port}/graphql`, {
        method: 'POST',
        headers: typeof authorization === 'string' ? { authorization } : {},
      }),
    };
  }),
  sockets,
);

server.listen(config.port, '127.0.0.1', () => {
  console.log(`hive gateway (${rustPlanner ? 'rust' : 'js'} planner) ready on ${config.port}`);
});

const stop = () => {
  for (const socket of sockets.clients) socket.terminate();
  server.close();
  server.closeAllConnections();
  void Promise.all([socketServer.dispose(), gateway.dispose()]).then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
