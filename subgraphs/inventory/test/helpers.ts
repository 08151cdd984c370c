import {
  createServer as createCatalogServer,
  migrationsFolder as catalogMigrations,
} from '@ordergraph/catalog/server';
import { DEMO_PRODUCTS, seedDemoData as seedCatalog } from '@ordergraph/catalog/seed';
import { readEvents, type Viewer } from '@ordergraph/shared';
import {
  startTestServices,
  subgraphRequest,
  viewers,
  type GraphQLResponse,
  type TestSubgraph,
} from '@ordergraph/shared/testing';
import { createCatalogClient } from '../src/clients/catalog.js';
import { createInventoryRepository } from '../src/inventory.repository.js';
import { seedDemoData } from '../src/seed.js';
import { createServer, migrationsFolder, type InventoryServer } from '../src/server.js';

/** every SKU of the demo catalog */
export const DEMO_SKUS = DEMO_PRODUCTS.flatMap((product) =>
  product.variants.map((variant) => variant.sku),
);

export interface Testbed {
  inventory: TestSubgraph<InventoryServer>;
  catalog: TestSubgraph;
  request(
    query: string,
    options?: { variables?: Record<string, unknown>; viewer?: Viewer | null; secret?: string },
  ): Promise<GraphQLResponse>;
  /** receives stock through the API, as a warehouse worker */
  receive(sku: string, warehouseId: string, quantity: number): Promise<void>;
  /** the SKU's stock levels as the database holds them */
  levels(sku: string): Promise<{ warehouseId: string; onHand: number; reserved: number }[]>;
  stop(): Promise<void>;
}

let receipts = 0;

/** The real catalog (seeded) and the inventory (with the demo warehouses), on fresh databases. */
export async function startTestbed({
  overReceiptTolerancePercent,
}: { overReceiptTolerancePercent?: number } = {}): Promise<Testbed> {
  const set = await startTestServices({
    catalog: {
      migrationsFolder: catalogMigrations,
      createServer: createCatalogServer,
      seed: seedCatalog,
    },
    inventory: {
      migrationsFolder,
      createServer: ({ urls, ...options }) =>
        createServer({
          ...options,
          catalog: createCatalogClient({
            url: urls['catalog']!,
            signingSecret: options.signingSecret,
          }),
          overReceiptTolerancePercent,
        }),
      seed: seedDemoData,
    },
  });
  const { catalog, inventory } = set.services;

  const request: Testbed['request'] = (query, options = {}) =>
    subgraphRequest(inventory.url, { query, ...options });

  return {
    inventory,
    catalog,
    request,
    async receive(sku, warehouseId, quantity) {
      const response = await request(RECEIVE, {
        viewer: viewers.warehouse(),
        variables: {
          input: { sku, warehouseId, quantity, idempotencyKey: `setup-${++receipts}` },
        },
      });
      const typename = response.data?.receiveStock?.__typename;
      if (typename !== 'ReceiveStockSuccess') {
        throw new Error(`receiving ${sku} failed: ${JSON.stringify(response)}`);
      }
    },
    async levels(sku) {
      const rows = await createInventoryRepository({ db: inventory.handle.db }).findStockBySkus([
        sku,
      ]);
      return rows.map(({ warehouseId, onHand, reserved }) => ({ warehouseId, onHand, reserved }));
    },
    stop: () => set.stop(),
  };
}

export const RECEIVE = `mutation($input: ReceiveStockInput!) { receiveStock(input: $input) {
  __typename
  ... on ReceiveStockSuccess { stockLevel { warehouse { id } onHand reserved available } }
  ... on UnknownSkuError { message sku }
  ... on InvalidInputError { message field } } }`;

export const RESERVE = `mutation($input: ReserveStockInput!) { reserveStock(input: $input) {
  __typename
  ... on ReserveStockSuccess { reservationId allocations { sku warehouseId quantity } }
  ... on InsufficientStockError { message sku requested available }
  ... on InvalidInputError { message field } } }`;

export const RELEASE = `mutation($input: ReleaseReservationInput!) { releaseReservation(input: $input) }`;

export const SHIP = `mutation($input: ShipReservationInput!) { shipReservation(input: $input) }`;

/** reserves as the orders service does */
export const reserve = (
  testbed: Testbed,
  reservationId: string,
  lines: { sku: string; quantity: number }[],
) =>
  testbed
    .request(RESERVE, {
      viewer: viewers.service('orders'),
      variables: { input: { reservationId, lines } },
    })
    .then((response) => response.data?.reserveStock);

export const ADJUST = `mutation($input: AdjustStockInput!) { adjustStock(input: $input) {
  __typename
  ... on AdjustStockSuccess {
    stockLevel { sku warehouse { id } onHand reserved available }
    movement { kind quantity onHandChange reservedChange reason note reference actor { kind id name } }
  }
  ... on StockBelowReservedError { message sku warehouseId onHand reserved }
  ... on UnknownSkuError { message sku }
  ... on InvalidInputError { message field } } }`;

export const SET_THRESHOLD = `mutation($input: SetLowStockThresholdInput!) {
  setLowStockThreshold(input: $input) {
    __typename
    ... on SetLowStockThresholdSuccess {
      sku warehouse { id } threshold stockLevel { available lowStockThreshold isLow }
    }
    ... on UnknownSkuError { message sku }
    ... on InvalidInputError { message field } } }`;

export const RESTOCK = `mutation($input: RestockReturnInput!) { restockReturn(input: $input) }`;

/** the payloads of the inventory's events of one type, oldest first */
export async function eventsOfType(testbed: Testbed, type: string) {
  const events = await readEvents(testbed.inventory.handle.db, { limit: 1000 });
  return events.filter((event) => event.type === type).map((event) => event.payload);
}
