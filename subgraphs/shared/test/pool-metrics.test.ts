import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'graphql';
import { createSubgraphServer, sql, type SubgraphServer } from '../src/index.js';
import {
  startTestSubgraph,
  subgraphRequest,
  waitUntil,
  type TestSubgraph,
} from '../src/testing/index.js';

const migrationsFolder = fileURLToPath(new URL('./drizzle', import.meta.url));

// `hold` keeps a transaction (and so a connection) open until the test lets it go
const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Query { hold: String }
`);

let subgraph: TestSubgraph<SubgraphServer>;
let holding = 0;
let release!: () => void;
const gate = new Promise<void>((resolve) => (release = resolve));

before(async () => {
  subgraph = await startTestSubgraph({
    name: 'shared_pool',
    migrationsFolder,
    createServer: ({ handle, signingSecret, log }) =>
      createSubgraphServer({
        name: 'pool',
        typeDefs,
        signingSecret,
        log,
        createContext: (base) => base,
        resolvers: {
          Query: {
            hold: () =>
              handle.db.transaction(async (tx) => {
                await tx.execute(sql`select 1`);
                holding++;
                await gate;
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
    await waitUntil(() => holding === 1, { what: 'the first transaction to start' });
    // on PostgreSQL the second one takes a second connection; on PGlite it waits for the first
    const second = subgraphRequest(subgraph.url, { query: '{ hold }' });
    await waitUntil(() => subgraph.handle.pool.demand === 2, { what: 'the second transaction' });

    const during = scrapePool();
    // PGlite runs the scrape's own event-log statements only after the transaction: once they
    // are asked for, the pool gauges (read first) have their values
    await Promise.race([during, waitUntil(() => subgraph.handle.pool.demand > 2)]);
    release();
    const { max = 0, inUse, waiting } = await during;
    assert.equal(inUse, Math.min(2, max));
    assert.equal(waiting, 2 - Math.min(2, max));

    for (const answer of await Promise.all([first, second])) {
      assert.deepEqual(answer, { status: 200, data: { hold: 'held' } });
    }
    assert.deepEqual(await scrapePool(), { max, inUse: 0, waiting: 0 });
  });
});
