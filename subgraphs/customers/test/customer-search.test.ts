import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from '@ordergraph/shared';
import {
  startTestSubgraph,
  subgraphRequest,
  viewers,
  type GraphQLResponse,
  type TestSubgraph,
} from '@ordergraph/shared/testing';
import { createCustomersRepository } from '../src/customers.repository.js';
import { DEMO_CUSTOMERS, seedDemoData } from '../src/seed.js';
import { createServer, migrationsFolder } from '../src/server.js';

// enough customers that the planner weighs an index against reading the table
const COUNT = 20_000;
const SURNAMES = ['Lovelace', 'Hopper', 'Turing', 'Noether'];
const bulk = Array.from({ length: COUNT }, (_, index) => {
  const n = index + 1;
  return { n, email: `bulk${n}@example.com`, name: `Customer ${n} ${SURNAMES[n % 4]}` };
});

let subgraph: TestSubgraph;
before(async () => {
  subgraph = await startTestSubgraph({ name: 'customers', migrationsFolder, createServer });
  await seedDemoData(subgraph.handle);
  // customer n is n seconds older than the newest: newest first is n ascending
  await subgraph.handle.db.execute(sql`
    insert into customers (email, name, created_at)
    select 'bulk' || n || '@example.com',
           'Customer ' || n || ' ' || (array['Lovelace', 'Hopper', 'Turing', 'Noether'])[n % 4 + 1],
           now() - interval '1 day' - n * interval '1 second'
    from generate_series(1, ${COUNT}) as n`);
  await subgraph.handle.db.execute(sql`analyze customers`);
});
after(() => subgraph.stop());

const QUERY = `query($first: Int, $after: String, $search: String) {
  customers(first: $first, after: $after, search: $search) {
    nodes { email } pageInfo { hasNextPage endCursor } } }`;

/** every customer a search finds, a page of `first` at a time through the API */
async function searchAll(search: string, first = 100): Promise<string[]> {
  const emails: string[] = [];
  let after: string | null = null;
  for (;;) {
    const response: GraphQLResponse = await subgraphRequest(subgraph.url, {
      query: QUERY,
      viewer: viewers.staff(),
      variables: { first, after, search },
    });
    assert.equal(response.errors, undefined, JSON.stringify(response.errors));
    const page = response.data!.customers;
    emails.push(...page.nodes.map((node: { email: string }) => node.email));
    if (!page.pageInfo.hasNextPage) return emails;
    after = page.pageInfo.endCursor;
  }
}

const emailsOf = (rows: readonly { email: string }[]) => rows.map((row) => row.email);

describe('customers(search)', () => {
  it('finds e-mails by prefix whatever their case, newest first, over every page', async () => {
    const expected = emailsOf(bulk.filter(({ n }) => String(n).startsWith('12')));
    assert.equal(expected.length, 1_111);
    assert.deepEqual(await searchAll('BULK12'), expected);
  });

  it('finds names by the prefix of each word searched', async () => {
    const expected = emailsOf(
      bulk.filter(({ n, name }) => name.endsWith('Hopper') && String(n).startsWith('12')),
    );
    assert.deepEqual(await searchAll('hopp 12', 7), expected);
    assert.deepEqual(await searchAll('Grace'), ['grace@example.com']);
    assert.deepEqual(await searchAll('lovel ada'), ['ada@example.com']);
  });

  it('matches no text inside a word, and takes % and _ as themselves', async () => {
    assert.deepEqual(await searchAll('opper'), []);
    assert.deepEqual(await searchAll('xample'), []);
    assert.deepEqual(await searchAll('bulk1_'), []);
    assert.deepEqual(await searchAll('%'), []);
    // nothing but spaces searches nothing: every customer
    assert.equal((await searchAll('   ')).length, COUNT + DEMO_CUSTOMERS.length);
  });

  it('answers from the search indexes, as EXPLAIN shows', async () => {
    const customers = createCustomersRepository({ db: subgraph.handle.db });
    for (const search of ['bulk123', 'hopp 123', 'ada@']) {
      const plan = await customers.explainList({ limit: 21, after: null, search });
      console.log(`customers(search: ${JSON.stringify(search)})\n${plan}\n`);
      // under the C collation (PGlite) the unique lower(email) index serves a prefix as well
      assert.match(plan, /Index Scan on customers_email_(prefix_idx|key)/);
      assert.match(plan, /customers_name_words_idx/);
      assert.doesNotMatch(plan, /Seq Scan/);
    }
  });
});
