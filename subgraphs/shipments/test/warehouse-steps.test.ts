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
import { createServer, migrationsFolder } from '../src/server.js';
import { ADA, createShipment, forceStatus, GRACE, WAREHOUSE } from './fixtures.js';
import { eventTypes, lastEvent, mutate, MUTATIONS, newKey, result, snapshot } from './support.js';

let subgraph: TestSubgraph;
before(async () => {
  subgraph = await startTestSubgraph({ name: 'shipments_steps', migrationsFolder, createServer });
});
after(() => subgraph.stop());

const warehouse = viewers.warehouse();

describe('startPicking', () => {
  it('moves a PENDING shipment to PICKING and records shipment.picking', async () => {
    const shipment = await createShipment(subgraph.handle);
    const picked = await result(
      subgraph.url,
      'startPicking',
      { shipmentId: shipment.id },
      warehouse,
    );
    assert.deepEqual(picked, {
      __typename: 'ShipmentSuccess',
      shipment: { id: shipment.id, status: 'PICKING' },
    });
    assert.deepEqual(await lastEvent(subgraph.handle, shipment.id), {
      type: 'shipment.picking',
      payload: {
        shipmentId: shipment.id,
        orderId: shipment.orderId,
        customerId: ADA,
        warehouseId: WAREHOUSE,
        status: 'PICKING',
        previousStatus: 'PENDING',
        actor: { kind: 'WAREHOUSE', id: 'warehouse-1', name: null },
      },
    });
  });

  it('returns the first result for a repeated key and changes nothing more', async () => {
    const shipment = await createShipment(subgraph.handle);
    const input = { shipmentId: shipment.id, idempotencyKey: newKey() };
    const first = await mutate(subgraph.url, 'startPicking', input, warehouse);
    const second = await mutate(subgraph.url, 'startPicking', input, warehouse);
    assert.deepEqual(second, first);
    assert.equal(first.data?.startPicking.__typename, 'ShipmentSuccess');
    assert.deepEqual(await eventTypes(subgraph.handle, shipment.id), [
      'shipment.created',
      'shipment.picking',
    ]);
  });

  it('refuses a key used before with another input', async () => {
    const [a, b] = [await createShipment(subgraph.handle), await createShipment(subgraph.handle)];
    const idempotencyKey = newKey();
    await result(subgraph.url, 'startPicking', { shipmentId: a.id, idempotencyKey }, warehouse);
    const reused = await result(
      subgraph.url,
      'startPicking',
      { shipmentId: b.id, idempotencyKey },
      warehouse,
    );
    assert.deepEqual(reused, {
      __typename: 'InvalidInputError',
      message: 'This idempotencyKey was already used with a different input.',
      field: 'idempotencyKey',
    });
    assert.equal((await snapshot(subgraph.handle, b.id)).row?.status, 'PENDING');
  });

  it('answers ShipmentNotFoundError for an unknown or malformed id', async () => {
    for (const shipmentId of [randomUUID(), 'not-a-uuid']) {
      assert.deepEqual(await result(subgraph.url, 'startPicking', { shipmentId }, warehouse), {
        __typename: 'ShipmentNotFoundError',
        message: `No shipment has the id ${shipmentId}.`,
        shipmentId,
        trackingNumber: null,
      });
    }
  });

  it('refuses an empty idempotency key', async () => {
    const shipment = await createShipment(subgraph.handle);
    const input = { shipmentId: shipment.id, idempotencyKey: '' };
    assert.deepEqual(await result(subgraph.url, 'startPicking', input, warehouse), {
      __typename: 'InvalidInputError',
      message: 'idempotencyKey must be 1 to 200 printable characters.',
      field: 'idempotencyKey',
    });
  });
});

describe('who may pick, pack and ship', () => {
  const refusals: [string, Viewer, string, string][] = [
    [
      'a customer',
      viewers.customer(ADA),
      'FORBIDDEN',
      'Only the warehouse, staff or an admin may pick, pack and ship.',
    ],
    [
      'a carrier',
      viewers.carrier('ups'),
      'FORBIDDEN',
      'Only the warehouse, staff or an admin may pick, pack and ship.',
    ],
    [
      'another service',
      viewers.service('orders'),
      'FORBIDDEN',
      'Only the warehouse, staff or an admin may pick, pack and ship.',
    ],
    ['an anonymous caller', viewers.anonymous(), 'UNAUTHENTICATED', 'You must be signed in.'],
  ];
  for (const [who, viewer, code, message] of refusals) {
    it(`refuses ${who} and changes nothing`, async () => {
      const shipment = await createShipment(subgraph.handle, { customerId: ADA });
      const before = await snapshot(subgraph.handle, shipment.id);
      for (const mutation of ['startPicking', 'markPacked', 'shipShipment'] as const) {
        const response = await mutate(
          subgraph.url,
          mutation,
          {
            shipmentId: shipment.id,
            ...(mutation === 'shipShipment' ? { carrierCode: 'ups' } : {}),
          },
          viewer,
        );
        assert.deepEqual(
          {
            data: response.data,
            errors: response.errors?.map((e) => ({ message: e.message, code: e.extensions?.code })),
          },
          { data: null, errors: [{ message, code }] },
          `${mutation} by ${who}`,
        );
      }
      assert.deepEqual(await snapshot(subgraph.handle, shipment.id), before);
    });
  }

  it('lets staff and admins do the warehouse steps too', async () => {
    const shipment = await createShipment(subgraph.handle, { customerId: GRACE });
    const admin = viewers.withRoles('admin-1', ['admin']);
    assert.equal(
      (await result(subgraph.url, 'startPicking', { shipmentId: shipment.id }, viewers.staff()))
        .__typename,
      'ShipmentSuccess',
    );
    assert.equal(
      (await result(subgraph.url, 'markPacked', { shipmentId: shipment.id }, admin)).__typename,
      'ShipmentSuccess',
    );
  });
});

describe('markPacked', () => {
  it('moves a PICKING shipment to PACKED and records shipment.packed', async () => {
    const shipment = await createShipment(subgraph.handle);
    await forceStatus(subgraph.handle, { shipmentId: shipment.id, status: 'PICKING' });
    const packed = await result(subgraph.url, 'markPacked', { shipmentId: shipment.id }, warehouse);
    assert.deepEqual(packed, {
      __typename: 'ShipmentSuccess',
      shipment: { id: shipment.id, status: 'PACKED' },
    });
    assert.deepEqual(await lastEvent(subgraph.handle, shipment.id), {
      type: 'shipment.packed',
      payload: {
        shipmentId: shipment.id,
        orderId: shipment.orderId,
        customerId: ADA,
        warehouseId: WAREHOUSE,
        status: 'PACKED',
        previousStatus: 'PICKING',
        actor: { kind: 'WAREHOUSE', id: 'warehouse-1', name: null },
      },
    });
  });

  it('refuses to pack a shipment nobody picked', async () => {
    const shipment = await createShipment(subgraph.handle);
    assert.deepEqual(
      await result(subgraph.url, 'markPacked', { shipmentId: shipment.id }, warehouse),
      {
        __typename: 'InvalidTransitionError',
        message:
          'A shipment cannot go from PENDING to PACKED: from PENDING it may go to PICKING, CANCELLED.',
        from: 'PENDING',
        to: 'PACKED',
      },
    );
  });

  it('refuses a request without the router signature', async () => {
    const response = await subgraphRequest(subgraph.url, {
      query: MUTATIONS.markPacked,
      viewer: null,
      variables: { input: { shipmentId: randomUUID(), idempotencyKey: 'k' } },
    });
    assert.equal(response.status, 401);
  });
});
