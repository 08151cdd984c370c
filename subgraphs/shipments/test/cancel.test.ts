import { systemActor, transaction } from '@ordergraph/shared';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Viewer } from '@ordergraph/shared';
import {
  startTestSubgraph,
  subgraphRequest,
  viewers,
  type TestSubgraph,
} from '@ordergraph/shared/testing';
import { createFulfilment } from '../src/fulfilment.js';
import { createServer, migrationsFolder } from '../src/server.js';
import { createShipmentsRepository } from '../src/shipments.repository.js';
import { ADA, createShipment, forceStatus } from './fixtures.js';
import { CANCEL_ORDER_SHIPMENTS, eventTypes, lastEvent, snapshot } from './support.js';

let subgraph: TestSubgraph;
before(async () => {
  subgraph = await startTestSubgraph({ name: 'shipments_cancel', migrationsFolder, createServer });
});
after(() => subgraph.stop());

const cancel = (orderId: string, viewer: Viewer = viewers.service('orders')) =>
  subgraphRequest(subgraph.url, {
    query: CANCEL_ORDER_SHIPMENTS,
    viewer,
    variables: { input: { orderId } },
  });

const statuses = async (orderId: string) =>
  (await createShipmentsRepository({ db: subgraph.handle.db }).findByOrderIds([orderId])).map(
    (shipment) => shipment.status,
  );

/** what the orders consumer would do with the order's `order.placed` now */
const announce = (orderId: string, warehouseId = 'wh-north') =>
  transaction(subgraph.handle.db, (tx) =>
    createFulfilment({
      db: tx,
      actor: systemActor('test'),
    }).createOrderShipments({
      orderId,
      customerId: ADA,
      allocations: [
        { warehouseId, lines: [{ orderLineId: randomUUID(), sku: 'TEE-BLK-M', quantity: 1 }] },
      ],
    }),
  );

describe('cancelOrderShipments', () => {
  it('cancels every unshipped shipment of the order and records shipment.cancelled', async () => {
    const orderId = randomUUID();
    const east = await createShipment(subgraph.handle, { orderId, warehouseId: 'wh-east' });
    const west = await createShipment(subgraph.handle, { orderId, warehouseId: 'wh-west' });
    await forceStatus(subgraph.handle, { shipmentId: west.id, status: 'PACKED' });
    assert.deepEqual(await cancel(orderId), { status: 200, data: { cancelOrderShipments: true } });
    assert.deepEqual(await statuses(orderId), ['CANCELLED', 'CANCELLED']);
    assert.deepEqual(await lastEvent(subgraph.handle, west.id), {
      type: 'shipment.cancelled',
      payload: {
        shipmentId: west.id,
        orderId,
        customerId: ADA,
        warehouseId: 'wh-west',
        status: 'CANCELLED',
        previousStatus: 'PACKED',
        // the orders service cancelling for its order
        actor: { kind: 'SYSTEM', id: 'orders', name: 'orders' },
      },
    });
    assert.deepEqual(await eventTypes(subgraph.handle, east.id), [
      'shipment.created',
      'shipment.cancelled',
    ]);
  });

  it('is harmless to repeat: true again, no new events', async () => {
    const orderId = randomUUID();
    const shipment = await createShipment(subgraph.handle, { orderId });
    await cancel(orderId);
    const before = await snapshot(subgraph.handle, shipment.id);
    assert.deepEqual(await cancel(orderId), { status: 200, data: { cancelOrderShipments: true } });
    assert.deepEqual(await snapshot(subgraph.handle, shipment.id), before);
  });

  it('answers false and changes nothing once a shipment of the order has shipped', async () => {
    const orderId = randomUUID();
    const east = await createShipment(subgraph.handle, { orderId, warehouseId: 'wh-east' });
    const west = await createShipment(subgraph.handle, { orderId, warehouseId: 'wh-west' });
    await forceStatus(subgraph.handle, {
      shipmentId: west.id,
      status: 'SHIPPED',
      carrierCode: 'ups',
      trackingNumber: `1Z-${orderId}`,
    });
    const before = [
      await snapshot(subgraph.handle, east.id),
      await snapshot(subgraph.handle, west.id),
    ];
    assert.deepEqual(await cancel(orderId), { status: 200, data: { cancelOrderShipments: false } });
    assert.deepEqual(
      [await snapshot(subgraph.handle, east.id), await snapshot(subgraph.handle, west.id)],
      before,
    );
    // no tombstone either: the order goes on, and a late warehouse still gets its shipment
    assert.equal((await announce(orderId)).length, 1);
  });

  it('leaves a tombstone: an order cancelled before its shipments exist never gets any', async () => {
    const orderId = randomUUID();
    assert.deepEqual(await cancel(orderId), { status: 200, data: { cancelOrderShipments: true } });
    assert.deepEqual(await announce(orderId), []);
    assert.deepEqual(await statuses(orderId), []);
  });

  const refusals: [string, Viewer][] = [
    ['staff', viewers.staff()],
    ['a customer', viewers.customer(ADA)],
    ['the warehouse', viewers.warehouse()],
    ['an anonymous caller', viewers.anonymous()],
  ];
  for (const [who, viewer] of refusals) {
    it(`is for services only: refuses ${who}`, async () => {
      const orderId = randomUUID();
      const shipment = await createShipment(subgraph.handle, { orderId });
      const response = await cancel(orderId, viewer);
      assert.deepEqual(
        {
          data: response.data,
          errors: response.errors?.map((e) => ({ message: e.message, code: e.extensions?.code })),
        },
        {
          data: null,
          errors: [
            { message: 'Cancelling shipments is for the orders service only.', code: 'FORBIDDEN' },
          ],
        },
      );
      assert.equal((await snapshot(subgraph.handle, shipment.id)).row?.status, 'PENDING');
    });
  }

  it('refuses an empty order id', async () => {
    const response = await cancel('  ');
    assert.deepEqual(
      response.errors?.map((e) => ({
        message: e.message,
        code: e.extensions?.code,
        field: e.extensions?.field,
      })),
      [{ message: 'orderId must not be empty.', code: 'BAD_USER_INPUT', field: 'orderId' }],
    );
  });
});
