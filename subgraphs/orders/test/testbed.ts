import { count } from 'drizzle-orm';
import {
  createServer as createCatalogServer,
  migrationsFolder as catalogMigrations,
} from '@ordergraph/catalog/server';
import { seedDemoData as seedCatalog } from '@ordergraph/catalog/seed';
import {
  createCatalogClient as createInventoryCatalogClient,
  createServer as createInventoryServer,
  migrationsFolder as inventoryMigrations,
} from '@ordergraph/inventory/server';
import { seedDemoData as seedInventory } from '@ordergraph/inventory/seed';
import type { Viewer } from '@ordergraph/shared';
import {
  startTestServices,
  subgraphRequest,
  testLogger,
  TEST_SIGNING_SECRET,
  viewers,
  type GraphQLResponse,
  type TestSubgraph,
} from '@ordergraph/shared/testing';
import { orders as ordersTable } from '../src/db/schema.js';
import type { ClaimTiming } from '../src/placing/order-requests.js';
import type { PaymentProvider } from '../src/payments/payment-provider.js';
import {
  createTestPaymentProvider,
  type TestPaymentProvider,
} from '../src/payments/test-provider.js';
import { createServer, migrationsFolder } from '../src/server.js';

export const TEE = 'TEE-CLASSIC-BLK-M';
export const MUG = 'MUG-CERAMIC-WHT';
export const EAST = 'wh-east';
export const WEST = 'wh-west';

export const ADDRESS = {
  name: 'Grace Hopper',
  line1: '350 Fifth Avenue',
  city: 'New York',
  region: 'NY',
  postalCode: '10118',
  country: 'us',
};

export const PLACE_ORDER = `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) {
  __typename
  ... on PlaceOrderSuccess { order { id number status paymentStatus customer { id } promoCode
    lines { variant { sku } quantity unitPrice { amount currencyCode } total { amount currencyCode } }
    subtotal { amount currencyCode } discountTotal { amount currencyCode }
    shippingTotal { amount currencyCode } taxTotal { amount currencyCode } total { amount currencyCode }
    timeline { type message } } }
  ... on InsufficientStockError { message sku requested available }
  ... on PaymentDeclinedError { message reason }
  ... on UnknownSkuError { message sku }
  ... on InvalidInputError { message field }
  ... on InvalidPromoCodeError { message code rejection }
  ... on PlaceOrderInterruptedError { message } } }`;

const RECEIVE = `mutation($input: ReceiveStockInput!) { receiveStock(input: $input) { __typename } }`;

const STOCK = `query($r: [_Any!]!) { _entities(representations: $r) {
  ... on ProductVariant { available stock { warehouse { id } onHand reserved } } } }`;

export interface Testbed {
  catalog: TestSubgraph;
  inventory: TestSubgraph;
  orders: TestSubgraph;
  /** the test payment provider's records, as the orders service's provider keeps them */
  payments: TestPaymentProvider;
  /** a request to the orders subgraph */
  request(
    query: string,
    options?: { variables?: Record<string, unknown>; viewer?: Viewer | null },
  ): Promise<GraphQLResponse>;
  /** placeOrder as `viewer` with a complete input, `input` overriding its parts */
  place(input: Record<string, unknown>, viewer: Viewer): Promise<GraphQLResponse>;
  /** receives stock through the inventory's API, as staff */
  receive(sku: string, warehouseId: string, quantity: number): Promise<void>;
  /** the SKU's stock as the inventory's API shows it */
  stock(sku: string): Promise<{ available: number; reserved: number }>;
  /** true while the catalog still quotes the promo code: e.g. a single-use code not used up */
  promoUsable(code: string): Promise<boolean>;
  /** how many orders the orders database holds */
  orderCount(): Promise<number>;
  /** starts another orders server on the same database, e.g. pointed at a dead inventory */
  ordersServer(options: {
    catalogUrl?: string;
    inventoryUrl?: string;
    payments?: PaymentProvider;
    claimTiming?: ClaimTiming;
  }): Promise<{ url: string; stop(): Promise<void> }>;
  stop(): Promise<void>;
}

let keys = 0;
/** a fresh idempotency key */
export const newKey = (prefix = 'order') => `${prefix}-${++keys}-${Date.now()}`;

/** The real catalog and inventory, seeded, and the orders subgraph calling them. */
export async function startTestbed({
  payments,
}: { payments?: PaymentProvider } = {}): Promise<Testbed> {
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
          catalog: createInventoryCatalogClient({
            url: urls['catalog']!,
            signingSecret: options.signingSecret,
          }),
        }),
      seed: seedInventory,
    },
    orders: {
      migrationsFolder,
      createServer: ({ urls, ...options }) =>
        createServer({
          ...options,
          catalogUrl: urls['catalog']!,
          inventoryUrl: urls['inventory']!,
          ...(payments ? { payments } : {}),
        }),
    },
  });
  const { catalog, inventory, orders } = set.services;
  const request: Testbed['request'] = (query, options = {}) =>
    subgraphRequest(orders.url, { query, ...options });
  let receipts = 0;

  return {
    catalog,
    inventory,
    orders,
    payments: createTestPaymentProvider({ db: orders.handle.db }),
    request,
    place: (input, viewer) =>
      request(PLACE_ORDER, {
        viewer,
        variables: {
          input: {
            idempotencyKey: newKey(),
            lines: [{ sku: TEE, quantity: 1 }],
            shippingAddress: ADDRESS,
            payment: { token: 'tok_visa' },
            ...input,
          },
        },
      }),
    async receive(sku, warehouseId, quantity) {
      const response = await subgraphRequest(inventory.url, {
        query: RECEIVE,
        viewer: viewers.staff(),
        variables: {
          input: { sku, warehouseId, quantity, idempotencyKey: `receipt-${++receipts}` },
        },
      });
      if (response.data?.receiveStock?.__typename !== 'ReceiveStockSuccess') {
        throw new Error(`receiving ${sku} failed: ${JSON.stringify(response)}`);
      }
    },
    async stock(sku) {
      const response = await subgraphRequest(inventory.url, {
        query: STOCK,
        viewer: viewers.staff(),
        variables: { r: [{ __typename: 'ProductVariant', sku }] },
      });
      const variant = response.data?._entities[0];
      const reserved = variant.stock.reduce(
        (sum: number, level: { reserved: number }) => sum + level.reserved,
        0,
      );
      return { available: variant.available, reserved };
    },
    async promoUsable(code) {
      const response = await subgraphRequest(catalog.url, {
        query: `query($input: QuoteInput!) { quote(input: $input) { __typename } }`,
        variables: { input: { lines: [{ sku: TEE, quantity: 1 }], promoCode: code } },
      });
      return response.data?.quote.__typename === 'Quote';
    },
    async orderCount() {
      const [row] = await orders.handle.db.select({ n: count() }).from(ordersTable);
      return row?.n ?? 0;
    },
    async ordersServer(options) {
      const server = await createServer({
        handle: orders.handle,
        signingSecret: TEST_SIGNING_SECRET,
        log: testLogger('orders'),
        catalogUrl: catalog.url,
        inventoryUrl: inventory.url,
        ...options,
      });
      const url = await server.listen();
      return { url, stop: () => server.stop() };
    },
    stop: () => set.stop(),
  };
}
