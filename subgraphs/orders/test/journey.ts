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
  createServer as createShipmentsServer,
  migrationsFolder as shipmentsMigrations,
} from '@ordergraph/shipments/server';
import { executeRows, sql, type DatabaseHandle, type Viewer } from '@ordergraph/shared';
import {
  createTestDatabase,
  freePort,
  subgraphRequest,
  testLogger,
  TEST_SIGNING_SECRET,
  viewers,
  type GraphQLResponse,
} from '@ordergraph/shared/testing';
import type { Consumers } from '../src/consumers.js';
import { createServer, migrationsFolder } from '../src/server.js';

const RECEIVE = `mutation($input: ReceiveStockInput!) { receiveStock(input: $input) { __typename } }`;
const STOCK = `query($r: [_Any!]!) { _entities(representations: $r) {
  ... on ProductVariant { stock { warehouse { id } onHand reserved available } } } }`;
const SHIPMENTS = `query($r: [_Any!]!) { _entities(representations: $r) {
  ... on Order { shipments { id status warehouse { id } trackingNumber } } } }`;

interface Service {
  url: string;
  handle: DatabaseHandle;
  stop(): Promise<void>;
}

/** The catalog, inventory, shipments and orders services, each following the others for real. */
export interface Journey {
  orders: Service;
  shipments: Service;
  inventory: Service;
  /** orders' consumers of the shipments feed (a test that stops them may put new ones here) */
  consumers: Consumers;
  /** waits until every service has handled what every other has logged, both ways, until quiet */
  settle(): Promise<void>;
  /** a request to a service as `viewer` */
  call(
    service: Service,
    query: string,
    variables: Record<string, unknown>,
    viewer: Viewer,
  ): Promise<GraphQLResponse>;
  receive(sku: string, warehouseId: string, quantity: number): Promise<void>;
  /** the SKU's stock levels as the inventory shows them */
  stock(
    sku: string,
  ): Promise<{ warehouse: { id: string }; onHand: number; reserved: number; available: number }[]>;
  /** the order's shipments as the shipments service shows them, by warehouse id */
  shipmentsOf(
    orderId: string,
  ): Promise<Record<string, { id: string; status: string; trackingNumber: string | null }>>;
  stop(): Promise<void>;
}

const head = async (handle: DatabaseHandle) =>
  Number(
    (
      await executeRows<{ seq: string | null }>(
        handle.db,
        sql`select max(seq) as seq from event_log`,
      )
    )[0]?.seq ?? 0,
  );

async function open(name: string, folder: string) {
  return createTestDatabase({ name, migrationsFolder: folder });
}

export async function startJourney(): Promise<Journey> {
  const log = testLogger('journey');
  const signingSecret = TEST_SIGNING_SECRET;
  const [ordersPort, shipmentsPort] = [await freePort(), await freePort()];
  const ordersUrl = `http://127.0.0.1:${ordersPort}/graphql`;
  const shipmentsUrl = `http://127.0.0.1:${shipmentsPort}/graphql`;
  const consumerWaitMs = 500;

  const catalogDb = await open('journey_catalog', catalogMigrations);
  await seedCatalog(catalogDb);
  const catalogServer = await createCatalogServer({ handle: catalogDb, signingSecret, log });
  const catalogUrl = await catalogServer.listen();

  const inventoryDb = await open('journey_inventory', inventoryMigrations);
  await seedInventory(inventoryDb);
  const inventoryServer = await createInventoryServer({
    handle: inventoryDb,
    signingSecret,
    log,
    catalog: createCatalogClient({ url: catalogUrl, signingSecret }),
    shipmentsUrl,
    consumerWaitMs,
  });
  const inventoryUrl = await inventoryServer.listen();

  const shipmentsDb = await open('journey_shipments', shipmentsMigrations);
  const shipmentsServer = await createShipmentsServer({
    handle: shipmentsDb,
    signingSecret,
    log,
    ordersUrl,
    consumerWaitMs,
  });
  await shipmentsServer.listen({ port: shipmentsPort });

  const ordersDb = await open('journey_orders', migrationsFolder);
  const ordersServer = await createServer({
    handle: ordersDb,
    signingSecret,
    log,
    catalogUrl,
    inventoryUrl,
    shipmentsUrl,
    consumerWaitMs,
  });
  await ordersServer.listen({ port: ordersPort });
  const consumers = ordersServer.consumers!;

  const service = (url: string, handle: DatabaseHandle, server: { stop(): Promise<void> }) => ({
    url,
    handle,
    async stop() {
      await server.stop();
      await handle.close();
    },
  });
  const orders = service(ordersUrl, ordersDb, ordersServer);
  const shipments = service(shipmentsUrl, shipmentsDb, shipmentsServer);
  const inventory = service(inventoryUrl, inventoryDb, inventoryServer);
  let receipts = 0;

  const call: Journey['call'] = (target, query, variables, viewer) =>
    subgraphRequest(target.url, { query, variables, viewer });

  const journey: Journey = {
    orders,
    shipments,
    inventory,
    consumers,
    call,
    async settle() {
      for (;;) {
        const [o, s] = [await head(ordersDb), await head(shipmentsDb)];
        await shipmentsServer.consumers!.orders.caughtUp(o);
        await journey.consumers.caughtUp(s);
        await inventoryServer.consumers.shipments!.caughtUp(s);
        if (o === (await head(ordersDb)) && s === (await head(shipmentsDb))) return;
      }
    },
    async receive(sku, warehouseId, quantity) {
      const response = await call(
        inventory,
        RECEIVE,
        { input: { sku, warehouseId, quantity, idempotencyKey: `journey-receipt-${++receipts}` } },
        viewers.staff(),
      );
      if (response.data?.receiveStock?.__typename !== 'ReceiveStockSuccess') {
        throw new Error(`receiving ${sku} failed: ${JSON.stringify(response)}`);
      }
    },
    async stock(sku) {
      const response = await call(
        inventory,
        STOCK,
        { r: [{ __typename: 'ProductVariant', sku }] },
        viewers.staff(),
      );
      return response.data?._entities[0]?.stock;
    },
    async shipmentsOf(orderId) {
      const response = await call(
        shipments,
        SHIPMENTS,
        { r: [{ __typename: 'Order', id: orderId }] },
        viewers.staff(),
      );
      const found = response.data?._entities[0]?.shipments ?? [];
      return Object.fromEntries(
        found.map(
          (s: {
            id: string;
            status: string;
            warehouse: { id: string };
            trackingNumber: string | null;
          }) => [s.warehouse.id, { id: s.id, status: s.status, trackingNumber: s.trackingNumber }],
        ),
      );
    },
    async stop() {
      // every follower first: a long poll arriving at a stopping server would keep it open
      await journey.consumers.stop();
      await shipmentsServer.consumers!.stop();
      await inventoryServer.consumers.stop();
      await orders.stop();
      await inventory.stop();
      await shipments.stop();
      await catalogServer.stop();
      await catalogDb.close();
    },
  };
  return journey;
}
