import { sql } from 'drizzle-orm';
import {
  createServer as createCatalogServer,
  migrationsFolder as catalogMigrations,
} from '@ordergraph/catalog/server';
import { seedDemoData as seedCatalog } from '@ordergraph/catalog/seed';
import {
  createCatalogClient,
  createServer as createInventoryServer,
  migrationsFolder as inventoryMigrations,
} from '@ordergraph/inventory/server';
import { seedDemoData as seedInventory } from '@ordergraph/inventory/seed';
import {
  createServer as createOrdersServer,
  migrationsFolder as ordersMigrations,
} from '@ordergraph/orders/server';
import { executeRows, type DatabaseHandle, type Viewer } from '@ordergraph/shared';
import {
  createTestDatabase,
  startTestServices,
  subgraphRequest,
  TEST_SIGNING_SECRET,
  testLogger,
  viewers,
  type TestSubgraph,
} from '@ordergraph/shared/testing';
import type { NotificationSender } from '../src/senders.js';
import { seedDemoData } from '../src/seed.js';
import { createServer, migrationsFolder, type CustomersServer } from '../src/server.js';

const RECEIVE_STOCK = `mutation($input: ReceiveStockInput!) { receiveStock(input: $input) { __typename } }`;

const PLACE_ORDER = `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) {
  __typename ... on PlaceOrderSuccess { order { id number } } } }`;

const TEE = 'TEE-CLASSIC-BLK-M';
let keys = 0;

/** The seq of the last event in a service's log: what a consumer of it must reach. */
export async function latestSeq(handle: DatabaseHandle): Promise<number> {
  const [row] = await executeRows<{ seq: number }>(
    handle.db,
    sql`select coalesce(max(seq), 0)::int as seq from event_log`,
  );
  return row?.seq ?? 0;
}

/** The real catalog, inventory and orders subgraphs, seeded, as the producers of events. */
export async function startProducers() {
  const set = await startTestServices({
    catalog: {
      migrationsFolder: catalogMigrations,
      createServer: createCatalogServer,
      seed: seedCatalog,
    },
    inventory: {
      migrationsFolder: inventoryMigrations,
      createServer: ({ urls, ...options }) =>
        createInventoryServer({
          ...options,
          catalog: createCatalogClient({
            url: urls['catalog']!,
            signingSecret: options.signingSecret,
          }),
        }),
      seed: seedInventory,
    },
    orders: {
      migrationsFolder: ordersMigrations,
      createServer: ({ urls, ...options }) =>
        createOrdersServer({
          ...options,
          catalogUrl: urls['catalog']!,
          inventoryUrl: urls['inventory']!,
        }),
    },
  });
  const { inventory, orders } = set.services;
  // stock arrives as deliveries do, through the inventory's API
  const received = await subgraphRequest(inventory.url, {
    query: RECEIVE_STOCK,
    viewer: viewers.staff(),
    variables: {
      input: { sku: TEE, warehouseId: 'wh-east', quantity: 100, idempotencyKey: 'stock-1' },
    },
  });
  if (received.data?.receiveStock.__typename !== 'ReceiveStockSuccess') {
    await set.stop();
    throw new Error(`receiveStock failed: ${JSON.stringify(received)}`);
  }
  return {
    orders,
    /** places an order of one T-shirt as `viewer`; resolves to its id and number */
    async placeOrder(viewer: Viewer): Promise<{ id: string; number: string }> {
      const response = await subgraphRequest(orders.url, {
        query: PLACE_ORDER,
        viewer,
        variables: {
          input: {
            idempotencyKey: `notify-${++keys}`,
            lines: [{ sku: TEE, quantity: 1 }],
            shippingAddress: {
              name: 'Ada Lovelace',
              line1: '12 St James Square',
              city: 'London',
              postalCode: 'SW1Y 4JH',
              country: 'GB',
            },
            payment: { token: 'tok_visa' },
          },
        },
      });
      const result = response.data?.placeOrder;
      if (result?.__typename !== 'PlaceOrderSuccess') {
        throw new Error(`placeOrder failed: ${JSON.stringify(response)}`);
      }
      return result.order;
    },
    stop: () => set.stop(),
  };
}

/**
 * The customers subgraph on a database that outlives its servers, so that a test can stop and
 * restart the service (its consumers resume from their stored cursors).
 */
export async function startCustomersDatabase() {
  const handle = await createTestDatabase({ name: 'customers', migrationsFolder });
  await seedDemoData(handle);
  return {
    handle,
    async start(options: {
      ordersUrl?: string;
      shipmentsUrl?: string;
      sender?: NotificationSender;
    }): Promise<{ url: string; server: CustomersServer }> {
      const server = await createServer({
        handle,
        signingSecret: TEST_SIGNING_SECRET,
        log: testLogger('customers'),
        ...options,
      });
      return { url: await server.listen(), server };
    },
  };
}

export type Producers = Awaited<ReturnType<typeof startProducers>>;
export type { TestSubgraph };
