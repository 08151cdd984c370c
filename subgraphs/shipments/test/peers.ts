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
import type { Viewer } from '@ordergraph/shared';
import {
  startTestServices,
  subgraphRequest,
  viewers,
  type TestSubgraph,
} from '@ordergraph/shared/testing';

export const TEE = 'TEE-CLASSIC-BLK-M';
export const MUG = 'MUG-CERAMIC-WHT';

const PLACE_ORDER = `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) {
  __typename ... on PlaceOrderSuccess { order { id lines { id variant { sku } quantity } } } } }`;

const FEED = `query($after: String!) { ordersEventLog(after: $after, first: 500) { seq type } }`;

/** The real catalog, inventory and orders services, seeded, for shipments to follow. */
export interface Peers {
  orders: TestSubgraph;
  /** receives stock through the inventory's API, as staff */
  receive(sku: string, warehouseId: string, quantity: number): Promise<void>;
  /** places an order through the orders service; its id and lines */
  place(
    lines: { sku: string; quantity: number }[],
    viewer: Viewer,
  ): Promise<{ id: string; lines: { id: string; variant: { sku: string }; quantity: number }[] }>;
  /** the seq of the orders service's last event */
  lastOrdersEvent(): Promise<number>;
  stop(): Promise<void>;
}

let keys = 0;

export async function startPeers(): Promise<Peers> {
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

  return {
    orders,
    async receive(sku, warehouseId, quantity) {
      const response = await subgraphRequest(inventory.url, {
        query: `mutation($input: ReceiveStockInput!) { receiveStock(input: $input) { __typename } }`,
        viewer: viewers.staff(),
        variables: { input: { sku, warehouseId, quantity, idempotencyKey: `receipt-${++keys}` } },
      });
      if (response.data?.receiveStock?.__typename !== 'ReceiveStockSuccess')
        throw new Error(`receiving ${sku} failed: ${JSON.stringify(response)}`);
    },
    async place(lines, viewer) {
      const response = await subgraphRequest(orders.url, {
        query: PLACE_ORDER,
        viewer,
        variables: {
          input: {
            idempotencyKey: `order-${++keys}-${Date.now()}`,
            lines,
            shippingAddress: {
              name: 'Ada Lovelace',
              line1: '12 St James Square',
              city: 'New York',
              region: 'NY',
              postalCode: '10118',
              country: 'US',
            },
            payment: { token: 'tok_visa' },
          },
        },
      });
      if (response.data?.placeOrder?.__typename !== 'PlaceOrderSuccess')
        throw new Error(`placing the order failed: ${JSON.stringify(response)}`);
      return response.data.placeOrder.order;
    },
    async lastOrdersEvent() {
      const response = await subgraphRequest(orders.url, {
        query: FEED,
        viewer: viewers.service('shipments'),
        variables: { after: '0' },
      });
      return Number(response.data?.ordersEventLog.at(-1)?.seq ?? 0);
    },
    stop: () => set.stop(),
  };
}
