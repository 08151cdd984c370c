import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  racesNeedPostgres,
  startTestSubgraph,
  subgraphRequest,
  viewers,
  type TestSubgraph,
} from '@ordergraph/shared/testing';
import { createServer, migrationsFolder } from '../src/server.js';
import { createShipment, forceStatus } from './fixtures.js';
import {
  CANCEL_ORDER_SHIPMENTS,
  eventTypes,
  newKey,
  result,
  scan,
  shipParcel,
  snapshot,
} from './support.js';

let subgraph: TestSubgraph;
before(async () => {
  subgraph = await startTestSubgraph({ name: 'shipments_races', migrationsFolder, createServer });
});
after(() => subgraph.stop());

const WORKERS = 8;

async function packed(orderId = randomUUID()) {
  const shipment = await createShipment(subgraph.handle, { orderId });
  await forceStatus(subgraph.handle, { shipmentId: shipment.id, status: 'PACKED' });
  return shipment;
}

describe('two warehouse workers at once', { skip: racesNeedPostgres }, () => {
  it('ships a shipment once when workers ship it at the same time', async () => {
    const shipment = await packed();
    const results = await Promise.all(
      Array.from({ length: WORKERS }, (_, worker) =>
        result(
          subgraph.url,
          'shipShipment',
          { shipmentId: shipment.id, carrierCode: worker % 2 ? 'ups' : 'fedex' },
          viewers.withRoles(`worker-${worker}`, ['warehouse']),
        ),
      ),
    );
    const successes = results.filter((r) => r.__typename === 'ShipmentSuccess');
    assert.equal(successes.length, 1);
    assert.deepEqual(
      results.filter((r) => r.__typename !== 'ShipmentSuccess'),
      Array.from({ length: WORKERS - 1 }, () => ({
        __typename: 'InvalidTransitionError',
        message:
          'A shipment cannot go from SHIPPED to SHIPPED: from SHIPPED it may go to IN_TRANSIT, OUT_FOR_DELIVERY, DELIVERED, EXCEPTION.',
        from: 'SHIPPED',
        to: 'SHIPPED',
      })),
    );
    assert.deepEqual(await eventTypes(subgraph.handle, shipment.id), [
      'shipment.created',
      'shipment.shipped',
    ]);
  });

  it('starts picking once when workers start it at the same time', async () => {
    const shipment = await createShipment(subgraph.handle);
    const results = await Promise.all(
      Array.from({ length: WORKERS }, () =>
        result(subgraph.url, 'startPicking', { shipmentId: shipment.id }, viewers.warehouse()),
      ),
    );
    assert.equal(results.filter((r) => r.__typename === 'ShipmentSuccess').length, 1);
    assert.deepEqual(await eventTypes(subgraph.handle, shipment.id), [
      'shipment.created',
      'shipment.picking',
    ]);
  });

  it('either ships or cancels, never both, when the order is cancelled during shipping', async () => {
    for (let round = 0; round < 6; round++) {
      const orderId = randomUUID();
      const shipment = await packed(orderId);
      const ship = () =>
        result(
          subgraph.url,
          'shipShipment',
          { shipmentId: shipment.id, carrierCode: 'ogx' },
          viewers.warehouse(),
        );
      // an error is no answer: only a plain true or false may decide which way the race went
      const cancel = () =>
        subgraphRequest(subgraph.url, {
          query: CANCEL_ORDER_SHIPMENTS,
          viewer: viewers.service('orders'),
          variables: { input: { orderId } },
        }).then((response) => {
          const answer = response.data?.cancelOrderShipments;
          assert.ok(typeof answer === 'boolean', JSON.stringify(response));
          assert.deepEqual(response, { status: 200, data: { cancelOrderShipments: answer } });
          return answer;
        });
      const [shipped, cancelled] =
        round % 2
          ? await Promise.all([ship(), cancel()])
          : ((await Promise.all([cancel(), ship()])).reverse() as [Record<string, any>, boolean]);
      const { row } = await snapshot(subgraph.handle, shipment.id);
      const types = await eventTypes(subgraph.handle, shipment.id);
      if (cancelled) {
        assert.equal(shipped.__typename, 'InvalidTransitionError');
        assert.equal(row?.status, 'CANCELLED');
        assert.deepEqual(types, ['shipment.created', 'shipment.cancelled']);
      } else {
        assert.equal(shipped.__typename, 'ShipmentSuccess');
        assert.equal(row?.status, 'SHIPPED');
        assert.deepEqual(types, ['shipment.created', 'shipment.shipped']);
      }
    }
  });

  it('runs a scan retried at once under one idempotency key once, and refuses the key for another scan', async () => {
    // a scan claims its key with its result, after its work: twins roll their work back
    const parcel = await shipParcel(subgraph);
    const idempotencyKey = newKey('same-scan');
    const report = { ...scan(parcel, 'IN_TRANSIT', '2026-11-21T04:00:00.000Z'), idempotencyKey };
    const results = await Promise.all(
      Array.from({ length: WORKERS }, () =>
        result(subgraph.url, 'recordTrackingEvent', report, viewers.carrier('ups')),
      ),
    );
    assert.deepEqual(
      new Set(results.map((r) => JSON.stringify(r))),
      new Set([
        JSON.stringify({
          __typename: 'ShipmentSuccess',
          shipment: { id: parcel.id, status: 'IN_TRANSIT' },
        }),
      ]),
    );
    const { tracking } = await snapshot(subgraph.handle, parcel.id);
    assert.equal(tracking.length, 1);
    assert.deepEqual(await eventTypes(subgraph.handle, parcel.id), [
      'shipment.created',
      'shipment.shipped',
      'shipment.in_transit',
    ]);
    const other = await result(
      subgraph.url,
      'recordTrackingEvent',
      { ...scan(parcel, 'OUT_FOR_DELIVERY', '2026-11-21T05:00:00.000Z'), idempotencyKey },
      viewers.carrier('ups'),
    );
    assert.equal(other.__typename, 'InvalidInputError');
    assert.equal((await snapshot(subgraph.handle, parcel.id)).row?.status, 'IN_TRANSIT');
  });

  it('records a carrier scan sent several times at once only once', async () => {
    const parcel = await shipParcel(subgraph);
    const report = scan(parcel, 'IN_TRANSIT', '2026-11-21T03:00:00.000Z');
    const results = await Promise.all(
      Array.from({ length: WORKERS }, () =>
        result(subgraph.url, 'recordTrackingEvent', report, viewers.carrier('ups')),
      ),
    );
    assert.deepEqual(
      new Set(results.map((r) => JSON.stringify(r))),
      new Set([
        JSON.stringify({
          __typename: 'ShipmentSuccess',
          shipment: { id: parcel.id, status: 'IN_TRANSIT' },
        }),
      ]),
    );
    assert.equal((await snapshot(subgraph.handle, parcel.id)).tracking.length, 1);
    assert.deepEqual(await eventTypes(subgraph.handle, parcel.id), [
      'shipment.created',
      'shipment.shipped',
      'shipment.in_transit',
    ]);
  });
});
