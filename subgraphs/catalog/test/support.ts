import {
  startTestSubgraph,
  subgraphRequest,
  type GraphQLResponse,
  type TestSubgraph,
} from '@ordergraph/shared/testing';
import { createServer, migrationsFolder } from '../src/server.js';
import { seedDemoData } from '../src/seed.js';

export type Request = (
  query: string,
  options?: Omit<Parameters<typeof subgraphRequest>[1], 'query'>,
) => Promise<GraphQLResponse>;

/** A catalog subgraph on a fresh database with the demo data, and a signed request helper. */
export async function startCatalog(): Promise<{ subgraph: TestSubgraph; request: Request }> {
  const subgraph = await startTestSubgraph({ name: 'catalog', migrationsFolder, createServer });
  await seedDemoData(subgraph.handle);
  const request: Request = (query, options = {}) =>
    subgraphRequest(subgraph.url, { query, ...options });
  return { subgraph, request };
}

export const usd = (amount: string) => ({ amount, currencyCode: 'USD' });
