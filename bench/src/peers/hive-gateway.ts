// Hive Gateway on the same supergraph file: its JavaScript query planner, or with
// BENCH_PLANNER=rust the Rust one of @graphql-hive/router-runtime
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createGatewayRuntime } from '@graphql-hive/gateway';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';
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
    // on by default in Hive's HTTP transport
    '*.http': { options: { deduplicateInflightRequests: config.dedup } },
  },
  logging: 'error',
  graphiql: false,
  landingPage: false,
  plugins: () => [
    useSignedIdentity({ jwtSecret: config.jwtSecret, signingSecret: config.signingSecret }),
  ],
});

const server = createServer(gateway);
server.listen(config.port, '127.0.0.1', () => {
  console.log(`hive gateway (${rustPlanner ? 'rust' : 'js'} planner) ready on ${config.port}`);
});

const stop = () => {
  server.close();
  server.closeAllConnections();
  void Promise.resolve(gateway.dispose()).then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
