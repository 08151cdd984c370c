import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GraphQLError } from 'graphql';
import { subgraphRequest, waitUntil, type TestSubgraph } from '../src/testing/index.js';
import { createGate, startSdlSubgraph } from './support/test-subgraph.js';

let subgraph: TestSubgraph;
const gate = createGate();

before(async () => {
  subgraph = await startSdlSubgraph({
    database: 'shared_ops',
    name: 'ops',
    // `slow` answers when the test lets it
    sdl: 'type Query { slow: String fast: String failing: String }',
    serve: ({ handle }) => ({
      isReady: handle.ping,
      resolvers: {
        Query: {
          slow: async () => {
            await gate.pass();
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
    await waitUntil(() => gate.reached === 1);
    const stopped = subgraph.server.stop();
    await waitUntil(async () =>
      fetch(new URL('/ready', subgraph.url)).then(
        () => false,
        () => true,
      ),
    );
    gate.open();
    assert.deepEqual(await slow, { status: 200, data: { slow: 'done' } });
    await stopped;
  });
});
