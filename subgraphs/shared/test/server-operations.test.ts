import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { GraphQLError, parse } from 'graphql';
import { createSubgraphServer, type SubgraphServer } from '../src/index.js';
import {
  startTestSubgraph,
  subgraphRequest,
  waitUntil,
  type TestSubgraph,
} from '../src/testing/index.js';

const migrationsFolder = fileURLToPath(new URL('./drizzle', import.meta.url));

// a subgraph whose `slow` field answers when the test lets it
const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Query { slow: String fast: String failing: String }
`);

let subgraph: TestSubgraph<SubgraphServer>;
let slowStarted = 0;
let release!: () => void;
const gate = new Promise<void>((resolve) => (release = resolve));

before(async () => {
  subgraph = await startTestSubgraph({
    name: 'shared_ops',
    migrationsFolder,
    createServer: ({ handle, signingSecret, log }) =>
      createSubgraphServer({
        name: 'ops',
        typeDefs,
        signingSecret,
        log,
        isReady: handle.ping,
        createContext: (base) => base,
        resolvers: {
          Query: {
            slow: async () => {
              slowStarted++;
              await gate;
              return 'done';
            },
            fast: () => 'fast',
            failing: () => {
              throw new GraphQLError('No.', { extensions: { code: 'FORBIDDEN' } });
            },
          },
        },
      }),
  });
});
after(() => subgraph.stop());

describe('a subgraph server', () => {
  it('counts requests by operation on /metrics', async () => {
    for (let i = 0; i < 3; i++)
      await subgraphRequest(subgraph.url, { query: 'query Fast { fast }' });
    await subgraphRequest(subgraph.url, { query: 'query Failing { failing }' });
    const text = await fetch(new URL('/metrics', subgraph.url)).then((response) => response.text());
    const sample = (name: string, operation: string) =>
      text
        .split('\n')
        .filter((line) => line.startsWith(`${name}{`))
        .map((line) => /^[^{]+\{(.*)\} (\S+)$/.exec(line)!)
        .filter(
          ([, labels]) =>
            labels!.split(',').sort().join(',') === `operation="${operation}",service="ops"`,
        )
        .map(([, , value]) => Number(value));
    assert.deepEqual(sample('ordergraph_subgraph_requests_total', 'Fast'), [3]);
    assert.deepEqual(sample('ordergraph_subgraph_request_duration_seconds_count', 'Fast'), [3]);
    assert.deepEqual(sample('ordergraph_subgraph_request_errors_total', 'Fast'), []);
    assert.deepEqual(sample('ordergraph_subgraph_requests_total', 'Failing'), [1]);
    assert.deepEqual(sample('ordergraph_subgraph_request_errors_total', 'Failing'), [1]);
  });

  it('finishes the requests under way when it stops, and accepts no new one', async () => {
    assert.equal((await fetch(new URL('/ready', subgraph.url))).status, 200);
    const slow = subgraphRequest(subgraph.url, { query: '{ slow }' });
    await waitUntil(() => slowStarted === 1);
    const stopped = subgraph.server.stop();
    await waitUntil(async () =>
      fetch(new URL('/ready', subgraph.url)).then(
        () => false,
        () => true,
      ),
    );
    release();
    assert.deepEqual(await slow, { status: 200, data: { slow: 'done' } });
    await stopped;
  });
});
