import { readFileSync } from 'node:fs';
import * as catalog from '@ordergraph/catalog/server';
import { seedDemoData as seedCatalog } from '@ordergraph/catalog/seed';
import * as customers from '@ordergraph/customers/server';
import { seedDemoData as seedCustomers } from '@ordergraph/customers/seed';
import * as inventory from '@ordergraph/inventory/server';
import { seedDemoData as seedInventory } from '@ordergraph/inventory/seed';
import * as orders from '@ordergraph/orders/server';
import * as shipments from '@ordergraph/shipments/server';
import { executeRows, sql, type DatabaseHandle, type Role } from '@ordergraph/shared';
import {
  startTestServices,
  TEST_SIGNING_SECRET,
  testLogger,
  withDeadline,
  type GraphQLResponse,
  type TestSubgraph,
} from '@ordergraph/shared/testing';
import { signToken } from '../../src/auth.js';
import { SUPERGRAPH_FILE } from '../../src/composition.js';
import type { SubgraphName } from '../../src/config.js';
import { createRouter, type Router, type RouterOptions } from '../../src/server.js';

export const JWT_SECRET = 'router-tests-jwt-secret-long-enough';

export interface Stack {
  readonly routerUrl: string;
  readonly router: Router;
  /** stops the router and starts a new one on the same port */
  restartRouter(): Promise<void>;
  /** another router over the same subgraphs (a replica); the caller stops it */
  startExtraRouter(options?: Partial<RouterOptions>): Promise<{ router: Router; url: string }>;
  /** stops a subgraph's server, keeping its database (an outage) */
  stopSubgraph(name: SubgraphName): Promise<void>;
  /** starts a stopped subgraph again on its port and database */
  startSubgraph(name: SubgraphName): Promise<void>;
  /** resolves once every service has handled every event the others have logged so far */
  settle(): Promise<void>;
  subgraphs: Record<SubgraphName, TestSubgraph<any>>;
  /** a bearer token for a subject with roles */
  token(subject: string, roles: Role[]): Promise<string>;
  /** posts an operation to the router, with a bearer token when given */
  request<TData = Record<string, any>>(options: {
    query: string;
    variables?: Record<string, unknown>;
    token?: string;
    /** sent as x-request-id, which the router passes on to every subgraph */
    requestId?: string;
  }): Promise<GraphQLResponse<TData>>;
  /** SQL statements each subgraph sent for one request, by its x-request-id */
  statementsFor(requestId: string): Record<SubgraphName, number>;
  /** SQL statements each subgraph has sent so far */
  statementCounts(): Record<SubgraphName, number>;
  stop(): Promise<void>;
}

/**
 * The whole supergraph in one process: the five subgraphs on fresh test databases (seeded with
 * the demo customers, catalog and warehouses) and the router over the committed supergraph.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  // a set-up that fails half way stops what it had started: nothing is left running
  const started: { stop(): Promise<void> }[] = [];
  try {
    return await assembleStack(options, started);
  } catch (error) {
    for (const service of started.reverse()) await service.stop().catch(() => {});
    throw error;
  }
}

interface StackOptions {
  /** options of the stack's router (and of its restarts), e.g. a clients file */
  routerOptions?: Partial<RouterOptions>;
  /** more options of the orders server, e.g. a smaller export page */
  ordersOptions?: Partial<Parameters<typeof orders.createServer>[0]>;
}

async function assembleStack(
  { routerOptions = {}, ordersOptions = {} }: StackOptions,
  started: { stop(): Promise<void> }[],
): Promise<Stack> {
  // orders and shipments follow each other's event logs, inventory follows shipments, customers
  // both: every URL is known before the first service starts
  const set = await startTestServices({
    catalog: {
      migrationsFolder: catalog.migrationsFolder,
      createServer: catalog.createServer,
      seed: seedCatalog,
    },
    inventory: {
      migrationsFolder: inventory.migrationsFolder,
      createServer: ({ urls, ...options }) =>
        inventory.createServer({
          ...options,
          catalog: inventory.createCatalogClient({
            url: urls['catalog']!,
            signingSecret: options.signingSecret,
          }),
          shipmentsUrl: urls['shipments'],
        }),
      seed: seedInventory,
    },
    orders: {
      migrationsFolder: orders.migrationsFolder,
      createServer: ({ urls, ...options }) =>
        orders.createServer({
          ...options,
          catalogUrl: urls['catalog']!,
          inventoryUrl: urls['inventory']!,
          shipmentsUrl: urls['shipments'],
          // orders asks customers for e-mails when it writes an export
          customersUrl: urls['customers'],
          runExports: true,
          ...ordersOptions,
        }),
    },
    shipments: {
      migrationsFolder: shipments.migrationsFolder,
      createServer: ({ urls, ...options }) =>
        shipments.createServer({ ...options, ordersUrl: urls['orders']! }),
    },
    customers: {
      migrationsFolder: customers.migrationsFolder,
      createServer: ({ urls, ...options }) =>
        customers.createServer({
          ...options,
          ordersUrl: urls['orders'],
          shipmentsUrl: urls['shipments'],
        }),
      seed: seedCustomers,
    },
  });
  started.push(set);
  const subgraphs = set.services as Record<SubgraphName, TestSubgraph<any>>;
  const {
    inventory: inventorySubgraph,
    orders: ordersSubgraph,
    shipments: shipmentsSubgraph,
    customers: customersSubgraph,
  } = set.services;

  // each consumer's caughtUp fails within a minute, naming the consumer and where it stopped
  const settle = async () => {
    // a round trip: what orders logs makes shipments log, which makes orders log again
    for (let round = 0; round < 3; round++) {
      const [ordersSeq, shipmentsSeq] = [
        await lastSeq(ordersSubgraph.handle),
        await lastSeq(shipmentsSubgraph.handle),
      ];
      await Promise.all([
        shipmentsSubgraph.server.consumers?.orders.caughtUp(ordersSeq),
        ordersSubgraph.server.consumers?.caughtUp(shipmentsSeq),
        inventorySubgraph.server.consumers.shipments?.caughtUp(shipmentsSeq),
        customersSubgraph.server.consumers.caughtUp({ orders: ordersSeq, shipments: shipmentsSeq }),
      ]);
    }
    await withDeadline(customersSubgraph.server.dispatcher.drain(), {
      what: 'the notification dispatcher to send what is due',
    });
  };

  const startRouter = async (port = 0, options: Partial<RouterOptions> = routerOptions) => {
    const started = await createRouter({
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
      ...options,
    });
    return { router: started, url: await started.listen({ port }) };
  };
  let { router, url: routerUrl } = await startRouter();
  started.push(router);

  return {
    get routerUrl() {
      return routerUrl;
    },
    get router() {
      return router;
    },
    async restartRouter() {
      await router.stop();
      ({ router, url: routerUrl } = await startRouter(Number(new URL(routerUrl).port)));
    },
    startExtraRouter: (options = routerOptions) => startRouter(0, options),
    stopSubgraph: (name) => set.stopServer(name),
    startSubgraph: (name) => set.startServer(name),
    settle,
    subgraphs,
    token: (subject, roles) => signToken({ secret: JWT_SECRET, subject, roles }),
    async request({ query, variables, token, requestId }) {
      const response = await fetch(routerUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(requestId ? { 'x-request-id': requestId } : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, ...((await response.json()) as object) };
    },
    statementsFor: (requestId) =>
      Object.fromEntries(
        Object.entries(subgraphs).map(([name, subgraph]) => [
          name,
          subgraph.handle.statements.byRequest.get(requestId) ?? 0,
        ]),
      ) as Record<SubgraphName, number>,
    statementCounts: () =>
      Object.fromEntries(
        Object.entries(subgraphs).map(([name, subgraph]) => [
          name,
          subgraph.handle.statements.count,
        ]),
      ) as Record<SubgraphName, number>,
    async stop() {
      await router.stop();
      await set.stop();
    },
  };
}

async function lastSeq(handle: DatabaseHandle): Promise<number> {
  const [row] = await executeRows<{ seq: string | number | null }>(
    handle.db,
    sql`select max(seq) as seq from event_log`,
  );
  return Number(row?.seq ?? 0);
}
