import { readFileSync } from 'node:fs';
import * as catalog from '@ordergraph/catalog/server';
import { seedDemoData as seedCatalog } from '@ordergraph/catalog/seed';
import * as customers from '@ordergraph/customers/server';
import { seedDemoData as seedCustomers } from '@ordergraph/customers/seed';
import * as inventory from '@ordergraph/inventory/server';
import { seedDemoData as seedInventory } from '@ordergraph/inventory/seed';
import * as orders from '@ordergraph/orders/server';
import * as shipments from '@ordergraph/shipments/server';
import type { Role } from '@ordergraph/shared';
import {
  startTestSubgraph,
  TEST_SIGNING_SECRET,
  testLogger,
  type GraphQLResponse,
  type TestSubgraph,
} from '@ordergraph/shared/testing';
import { signToken } from '../../src/auth.js';
import { SUPERGRAPH_FILE } from '../../src/composition.js';
import type { SubgraphName } from '../../src/config.js';
import { createRouter } from '../../src/server.js';

export const JWT_SECRET = 'router-tests-jwt-secret-long-enough';

export interface Stack {
  routerUrl: string;
  subgraphs: Record<SubgraphName, TestSubgraph>;
  /** a bearer token for a subject with roles */
  token(subject: string, roles: Role[]): Promise<string>;
  /** posts an operation to the router, with a bearer token when given */
  request<TData = Record<string, any>>(options: {
    query: string;
    variables?: Record<string, unknown>;
    token?: string;
  }): Promise<GraphQLResponse<TData>>;
  /** SQL statements each subgraph has sent so far */
  statementCounts(): Record<SubgraphName, number>;
  stop(): Promise<void>;
}

/**
 * The whole supergraph in one process: the five subgraphs on fresh test databases (seeded with
 * the demo customers, catalog and warehouses) and the router over the committed supergraph.
 */
export async function startStack(): Promise<Stack> {
  const customersSubgraph = await startTestSubgraph({ name: 'customers', ...customers });
  await seedCustomers(customersSubgraph.handle);
  const catalogSubgraph = await startTestSubgraph({ name: 'catalog', ...catalog });
  await seedCatalog(catalogSubgraph.handle);
  const inventorySubgraph = await startTestSubgraph({
    name: 'inventory',
    migrationsFolder: inventory.migrationsFolder,
    createServer: (options) =>
      inventory.createServer({
        ...options,
        catalog: inventory.createCatalogClient({
          url: catalogSubgraph.url,
          signingSecret: options.signingSecret,
        }),
      }),
  });
  await seedInventory(inventorySubgraph.handle);
  const ordersSubgraph = await startTestSubgraph({
    name: 'orders',
    migrationsFolder: orders.migrationsFolder,
    createServer: (options) =>
      orders.createServer({
        ...options,
        catalogUrl: catalogSubgraph.url,
        inventoryUrl: inventorySubgraph.url,
      }),
  });
  const shipmentsSubgraph = await startTestSubgraph({ name: 'shipments', ...shipments });

  const subgraphs: Record<SubgraphName, TestSubgraph> = {
    customers: customersSubgraph,
    catalog: catalogSubgraph,
    orders: ordersSubgraph,
    inventory: inventorySubgraph,
    shipments: shipmentsSubgraph,
  };
  const router = await createRouter({
    production: false,
    supergraphSdl: readFileSync(SUPERGRAPH_FILE, 'utf8'),
    subgraphUrls: Object.fromEntries(
      Object.entries(subgraphs).map(([name, subgraph]) => [name, subgraph.url]),
    ) as Record<SubgraphName, string>,
    jwtSecret: JWT_SECRET,
    jwtIssuer: undefined,
    jwtAudience: undefined,
    signingSecret: TEST_SIGNING_SECRET,
    log: testLogger('router'),
  });
  const routerUrl = await router.listen();

  return {
    routerUrl,
    subgraphs,
    token: (subject, roles) => signToken({ secret: JWT_SECRET, subject, roles }),
    async request({ query, variables, token }) {
      const response = await fetch(routerUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, ...((await response.json()) as object) };
    },
    statementCounts: () =>
      Object.fromEntries(
        Object.entries(subgraphs).map(([name, subgraph]) => [
          name,
          subgraph.handle.statements.count,
        ]),
      ) as Record<SubgraphName, number>,
    async stop() {
      await router.stop();
      for (const subgraph of Object.values(subgraphs)) await subgraph.stop();
    },
  };
}
