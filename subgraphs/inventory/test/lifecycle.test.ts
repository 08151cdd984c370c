import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  createServer as createCatalogServer,
  migrationsFolder as catalogMigrations,
} from '@ordergraph/catalog/server';
import { seedDemoData as seedCatalog } from '@ordergraph/catalog/seed';
import {
  createServer as createOrdersServer,
  migrationsFolder as ordersMigrations,
} from '@ordergraph/orders/server';
import { eventCursors, readEvents, type Viewer } from '@ordergraph/shared';
import {
  startTestServices,
  subgraphRequest,
  testLogger,
  TEST_SIGNING_SECRET,
  viewers,
  type TestSubgraph,
} from '@ordergraph/shared/testing';
import {
  createServer as createShipmentsServer,
  migrationsFolder as shipmentsMigrations,
  type ShipmentsServer,
} from '@ordergraph/shipments/server';
import { startConsumers, SHIPMENTS_CONSUMER } from '../src/consumers.js';
import { createCatalogClient } from '../src/clients/catalog.js';
import { seedDemoData } from '../src/seed.js';
import { createServer, migrationsFolder, type InventoryServer } from '../src/server.js';
import { RECEIVE } from './helpers.js';

// the real catalog, orders and shipments around the inventory: a placed order gets a
// shipment per warehouse, and shipping one turns its reserved stock into a sale
let inventory: TestSubgraph, orders: TestSubgraph, shipments: TestSubgraph;
let inventoryServer: InventoryServer;
let shipmentsServer: ShipmentsServer;
const ADA = '00000000-0000-4000-8000-0000000000a1';
const [tee, mug] = ['TEE-CLASSIC-BLK-M', 'MUG-CERAMIC-WHT'];

let set: Awaited<ReturnType<typeof startLifecycle>>;
// inventory follows shipments, which follows orders, which calls inventory: the URLs come first
const startLifecycle = () =>
  startTestServices({
    catalog: {
      migrationsFolder: catalogMigrations,
      createServer: createCatalogServer,
      seed: seedCatalog,
    },
    inventory: {
      migrationsFolder,
      createServer: async ({ urls, ...options }) =>
        (inventoryServer = await createServer({
          ...options,
          catalog: createCatalogClient({
            url: urls['catalog']!,
            signingSecret: options.signingSecret,
          }),
          shipmentsUrl: urls['shipments']!,
          consumerWaitMs: 1_000,
        })),
      seed: seedDemoData,
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
    shipments: {
      migrationsFolder: shipmentsMigrations,
      createServer: async ({ urls, ...options }) =>
        (shipmentsServer = await createShipmentsServer({
          ...options,
          ordersUrl: urls['orders']!,
          consumerWaitMs: 1_000,
        })),
    },
  });

before(async () => {
  set = await startLifecycle();
  ({ inventory, orders, shipments } = set.services);
});
after(() => set?.stop());

let keys = 0;
const call = (url: string, query: string, input: Record<string, unknown>, viewer: Viewer) =>
  subgraphRequest(url, { query, viewer, variables: { input } });
const levels = async (sku: string) =>
  (
    await subgraphRequest(inventory.url, {
      query: `query($r: [_Any!]!) { _entities(representations: $r) {
        ... on ProductVariant { stock { warehouse { id } onHand reserved available } } } }`,
      variables: { r: [{ __typename: 'ProductVariant', sku }] },
    })
  ).data?._entities[0].stock;
const lastSeq = async (handle: TestSubgraph['handle']) =>
  (await readEvents(handle.db, { limit: 10_000 })).at(-1)?.seq ?? 0;

async function placeSplitOrder() {
  const response = await call(
    orders.url,
    `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) {
      __typename ... on PlaceOrderSuccess { order { id } } } }`,
    {
      idempotencyKey: `life-order-${++keys}`,
      lines: [
        { sku: tee, quantity: 2 },
        { sku: mug, quantity: 1 },
      ],
      shippingAddress: {
        name: 'Ada Lovelace',
        line1: '12 St James Square',
        city: 'New York',
        postalCode: '10118',
        country: 'US',
      },
      payment: { token: 'tok_visa' },
    },
    viewers.customer(ADA),
  );
  assert.equal(response.data?.placeOrder.__typename, 'PlaceOrderSuccess', JSON.stringify(response));
  return response.data!.placeOrder.order.id as string;
}

async function shipmentsOf(orderId: string): Promise<{ id: string; warehouse: { id: string } }[]> {
  await shipmentsServer.consumers!.orders.caughtUp(await lastSeq(orders.handle));
  const response = await subgraphRequest(shipments.url, {
    query: `query($r: [_Any!]!) { _entities(representations: $r) {
      ... on Order { shipments { id warehouse { id } } } } }`,
    viewer: viewers.staff(),
    variables: { r: [{ __typename: 'Order', id: orderId }] },
  });
  return response.data?._entities[0].shipments;
}

/** picks, packs and ships a shipment as a warehouse worker, then waits for the inventory */
async function ship(shipmentId: string) {
  for (const [mutation, type] of [
    ['startPicking', 'ShipmentActionInput'],
    ['markPacked', 'ShipmentActionInput'],
    ['shipShipment', 'ShipShipmentInput'],
  ] as const) {
    const response = await call(
      shipments.url,
      `mutation($input: ${type}!) { ${mutation}(input: $input) { __typename } }`,
      {
        shipmentId,
        idempotencyKey: `life-${++keys}`,
        ...(mutation === 'shipShipment' ? { carrierCode: 'UPS' } : {}),
      },
      viewers.warehouse(),
    );
    assert.equal(response.data?.[mutation].__typename, 'ShipmentSuccess', JSON.stringify(response));
  }
  await inventoryServer.consumers.shipments!.caughtUp(await lastSeq(shipments.handle));
}

describe('the order life cycle, seen from the inventory', () => {
  it('turns each shipped warehouse share of a split order into a sale, exactly once', async () => {
    for (const [sku, warehouseId, quantity] of [
      [tee, 'wh-east', 5],
      [mug, 'wh-west', 4],
    ] as const) {
      const received = await call(
        inventory.url,
        RECEIVE,
        { sku, warehouseId, quantity, idempotencyKey: `life-receipt-${sku}` },
        viewers.warehouse(),
      );
      assert.equal(received.data?.receiveStock.__typename, 'ReceiveStockSuccess');
    }
    const orderId = await placeSplitOrder();
    assert.deepEqual(await levels(tee), [
      { warehouse: { id: 'wh-east' }, onHand: 5, reserved: 2, available: 3 },
    ]);
    const split = await shipmentsOf(orderId);
    const east = split.find((shipment) => shipment.warehouse.id === 'wh-east')!;
    const west = split.find((shipment) => shipment.warehouse.id === 'wh-west')!;

    await ship(east.id);
    assert.deepEqual(await levels(tee), [
      { warehouse: { id: 'wh-east' }, onHand: 3, reserved: 0, available: 3 },
    ]);
    assert.deepEqual(await levels(mug), [
      { warehouse: { id: 'wh-west' }, onHand: 4, reserved: 1, available: 3 },
    ]);

    await ship(west.id);
    assert.deepEqual(await levels(mug), [
      { warehouse: { id: 'wh-west' }, onHand: 3, reserved: 0, available: 3 },
    ]);
    const sold = (await readEvents(inventory.handle.db, { limit: 1000 })).filter(
      (event) => event.type === 'stock.sold',
    );
    assert.deepEqual(
      sold.map(({ payload }) => [
        payload['reservationId'],
        payload['warehouseId'],
        payload['shipmentId'],
      ]),
      [
        [orderId, 'wh-east', east.id],
        [orderId, 'wh-west', west.id],
      ],
    );
  });

  it('changes nothing when the whole shipments feed is delivered again', async () => {
    const before = [await levels(tee), await levels(mug)];
    await inventoryServer.consumers.stop();
    await inventory.handle.db.delete(eventCursors);
    const replay = await startConsumers({
      handle: inventory.handle,
      shipmentsUrl: shipments.url,
      signingSecret: TEST_SIGNING_SECRET,
      log: testLogger('inventory-replay'),
      waitMs: 1_000,
    });
    await replay.shipments!.caughtUp(await lastSeq(shipments.handle));
    await replay.stop();
    assert.deepEqual([await levels(tee), await levels(mug)], before);
    const cursors = await inventory.handle.db.select().from(eventCursors);
    assert.deepEqual(
      cursors.map(({ consumer, position }) => [consumer, position]),
      [[SHIPMENTS_CONSUMER, await lastSeq(shipments.handle)]],
    );
    const sales = (await readEvents(inventory.handle.db, { limit: 1000 })).filter(
      (event) => event.type === 'stock.sold',
    );
    assert.equal(sales.length, 2);
  });
});
