import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readEvents, type DatabaseHandle } from '@ordergraph/shared';
import {
  createTestDatabase,
  subgraphRequest,
  testLogger,
  TEST_SIGNING_SECRET,
  viewers,
} from '@ordergraph/shared/testing';
import { createServer, migrationsFolder, type ShipmentsServer } from '../src/server.js';
import { ADA } from './fixtures.js';
import { MUG, startPeers, TEE, type Peers } from './peers.js';

let peers: Peers;
let handle: DatabaseHandle;

before(async () => {
  peers = await startPeers();
  await peers.receive(TEE, 'wh-east', 20);
  await peers.receive(MUG, 'wh-west', 20);
  handle = await createTestDatabase({ name: 'shipments_follow_orders', migrationsFolder });
});
after(async () => {
  await handle.close();
  await peers.stop();
});

/** the shipments service following the real orders service, on the one test database */
async function startShipments(): Promise<ShipmentsServer & { url: string }> {
  const server = await createServer({
    handle,
    signingSecret: TEST_SIGNING_SECRET,
    log: testLogger('shipments'),
    ordersUrl: peers.orders.url,
    consumerWaitMs: 1_000,
  });
  return { ...server, url: await server.listen() };
}

const ORDER_SHIPMENTS = `query($r: [_Any!]!) { _entities(representations: $r) {
  ... on Order { id shipments { warehouse { id } status lines { orderLineId variant { sku } quantity } } } } }`;

async function shipmentsOf(url: string, orderId: string) {
  const response = await subgraphRequest(url, {
    query: ORDER_SHIPMENTS,
    viewer: viewers.customer(ADA),
    variables: { r: [{ __typename: 'Order', id: orderId }] },
  });
  return response.data?._entities[0].shipments;
}

const createdCount = async () =>
  (await readEvents(handle.db, { streamType: 'shipment', limit: 1000 })).filter(
    (event) => event.type === 'shipment.created',
  ).length;

describe('following the orders service', () => {
  it('gives a placed order a PENDING shipment per warehouse, and catches up after a restart', async () => {
    const shipments = await startShipments();
    const split = await peers.place(
      [
        { sku: TEE, quantity: 2 },
        { sku: MUG, quantity: 1 },
      ],
      viewers.customer(ADA),
    );
    await shipments.consumers!.orders.caughtUp(await peers.lastOrdersEvent());
    const [tee, mug] = split.lines;
    assert.deepEqual(await shipmentsOf(shipments.url, split.id), [
      {
        warehouse: { id: 'wh-east' },
        status: 'PENDING',
        lines: [{ orderLineId: tee!.id, variant: { sku: TEE }, quantity: 2 }],
      },
      {
        warehouse: { id: 'wh-west' },
        status: 'PENDING',
        lines: [{ orderLineId: mug!.id, variant: { sku: MUG }, quantity: 1 }],
      },
    ]);

    // down while an order is placed: nothing is lost, nothing is done twice
    await shipments.stop();
    const later = await peers.place([{ sku: TEE, quantity: 1 }], viewers.customer(ADA));
    const restarted = await startShipments();
    await restarted.consumers!.orders.caughtUp(await peers.lastOrdersEvent());
    assert.deepEqual(
      (await shipmentsOf(restarted.url, later.id)).map((s: { warehouse: unknown }) => s.warehouse),
      [{ id: 'wh-east' }],
    );
    assert.equal((await shipmentsOf(restarted.url, split.id)).length, 2);
    assert.equal(await createdCount(), 3);
    await restarted.stop();
  });

  it('starts no consumer without the orders URL', async () => {
    const server = await createServer({
      handle,
      signingSecret: TEST_SIGNING_SECRET,
      log: testLogger('shipments'),
    });
    assert.equal(server.consumers, null);
    await server.stop();
  });
});
