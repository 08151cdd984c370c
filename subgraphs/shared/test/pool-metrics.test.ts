import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from '../src/index.js';
import { subgraphRequest, waitUntil, type TestSubgraph } from '../src/testing/index.js';
import { createGate, startSdlSubgraph } from './support/test-subgraph.js';

let subgraph: TestSubgraph;
const gate = createGate();

before(async () => {
  subgraph = await startSdlSubgraph({
    database: 'shared_pool',
    name: 'pool',
    // `hold` keeps a transaction (and so a connection) open until the test lets it go
    sdl: 'type Query { hold: String }',
    serve: ({ handle }) => ({
      resolvers: {
        Query: {
          hold: () =>
            handle.db.transaction(async (tx) => {
              await tx.execute(sql`select 1`);
              await gate.pass();
              return 'held';
            }),
        },
      },
    }),
  });
});
after(() => subgraph.stop());

async function scrapePool(): Promise<Record<'max' | 'inUse' | 'waiting', number | undefined>> {
  const text = await fetch(new URL('/metrics', subgraph.url)).then((response) => response.text());
  const value = (name: string) => {
    const line = text.split('\n').find((candidate) => candidate.startsWith(`${name}{`));
    return line === undefined ? undefined : Number(line.split(' ').at(-1));
  };
  return {
    max: value('ordergraph_db_pool_connections_max'),
    inUse: value('ordergraph_db_pool_connections_in_use'),
    waiting: value('ordergraph_db_pool_waiting'),
  };
}

describe('database pool metrics', () => {
  it('reports the pool size and nothing in use when idle', async () => {
    const max = subgraph.handle.kind === 'pglite' ? 1 : 20;
    assert.deepEqual(await scrapePool(), { max, inUse: 0, waiting: 0 });
  });

  it('counts two held transactions, in use or waiting, then nothing once they are done', async () => {
    const first = subgraphRequest(subgraph.url, { query: '{ hold }' });
    await waitUntil(() => gate.reached === 1, { what: 'the first transaction to start' });
    // on PostgreSQL the second one takes a second connection; on PGlite it waits for the first
    const second = subgraphRequest(subgraph.url, { query: '{ hold }' });
    await waitUntil(() => subgraph.handle.pool.demand === 2, { what: 'the second transaction' });

    const during = scrapePool();
    // PGlite runs the scrape's own event-log statements only after the transaction: once they
    // are asked for, the pool gauges (read first) have their values
    await Promise.race([during, waitUntil(() => subgraph.handle.pool.demand > 2)]);
    gate.open();
    const { max = 0, inUse, waiting } = await during;
    assert.equal(inUse, Math.min(2, max));
    assert.equal(waiting, 2 - Math.min(2, max));

    for (const answer of await Promise.all([first, second])) {
      assert.deepEqual(answer, { status: 200, data: { hold: 'held' } });
    }
    assert.deepEqual(await scrapePool(), { max, inUse: 0, waiting: 0 });
  });
});
