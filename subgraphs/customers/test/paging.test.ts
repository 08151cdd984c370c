import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import {
  startTestSubgraph,
  subgraphRequest,
  viewers,
  type GraphQLResponse,
  type TestSubgraph,
} from '@ordergraph/shared/testing';
import { createServer, migrationsFolder } from '../src/server.js';
import { seedDemoData } from '../src/seed.js';

let subgraph: TestSubgraph;

// created in the same millisecond, microseconds apart, and newer than the demo customers
const SAME_MILLISECOND = [
  ['00000000-0000-4000-8000-0000000000a1', 'first@example.com', '2099-01-01T00:00:00.000100Z'],
  ['00000000-0000-4000-8000-0000000000a2', 'second@example.com', '2099-01-01T00:00:00.000200Z'],
  ['00000000-0000-4000-8000-0000000000a3', 'third@example.com', '2099-01-01T00:00:00.000300Z'],
];

before(async () => {
  subgraph = await startTestSubgraph({ name: 'customers', migrationsFolder, createServer });
  await seedDemoData(subgraph.handle);
  for (const [id, email, createdAt] of SAME_MILLISECOND) {
    await subgraph.handle.db.execute(
      sql`insert into customers (id, email, name, created_at) values (${id}, ${email}, 'Same Millisecond', ${createdAt})`,
    );
  }
});
after(() => subgraph.stop());

describe('customers paging', () => {
  it('skips no customer created within the same millisecond, one per page', async () => {
    const query = `query($after: String) { customers(first: 1, after: $after) {
      nodes { email createdAt } pageInfo { endCursor } } }`;
    const pages = [];
    let cursor: string | null = null;
    for (let i = 0; i < 3; i += 1) {
      const response: GraphQLResponse = await subgraphRequest(subgraph.url, {
        query,
        viewer: viewers.staff(),
        variables: { after: cursor },
      });
      pages.push(...response.data!.customers.nodes);
      cursor = response.data?.customers.pageInfo.endCursor;
    }
    assert.deepEqual(pages, [
      { email: 'third@example.com', createdAt: '2099-01-01T00:00:00.000Z' },
      { email: 'second@example.com', createdAt: '2099-01-01T00:00:00.000Z' },
      { email: 'first@example.com', createdAt: '2099-01-01T00:00:00.000Z' },
    ]);
  });
});
