import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  startTestSubgraph,
  subgraphRequest,
  viewers,
  type TestSubgraph,
} from '@ordergraph/shared/testing';
import { createServer, migrationsFolder } from '../src/server.js';
import { ADA, WAREHOUSE } from './fixtures.js';
import { eventTypes, lastEvent, result, scan, shipParcel, snapshot } from './support.js';

let subgraph: TestSubgraph;
before(async () => {
  subgraph = await startTestSubgraph({
    name: 'shipments_tracking',
    migrationsFolder,
    createServer,
  });
});
after(() => subgraph.stop());

const ups = viewers.carrier('ups');
const shipped = () => shipParcel(subgraph);
const STATE = `query($id: ID!) { shipment(id: $id) { status deliveredAt
  events { status description location occurredAt } } }`;
const state = async (id: string) =>
  (
    await subgraphRequest(subgraph.url, {
      query: STATE,
      viewer: viewers.staff(),
      variables: { id },
    })
  ).data?.shipment;

describe('recordTrackingEvent', () => {
  it('moves the status, records the step and appends shipment.in_transit', async () => {
    const parcel = await shipped();
    const recorded = await result(
      subgraph.url,
      'recordTrackingEvent',
      scan(parcel, 'IN_TRANSIT', '2026-11-21T03:00:00.000Z', 'Departed facility'),
      ups,
    );
    assert.deepEqual(recorded, {
      __typename: 'ShipmentSuccess',
      shipment: { id: parcel.id, status: 'IN_TRANSIT' },
    });
    assert.deepEqual(await lastEvent(subgraph.handle, parcel.id), {
      type: 'shipment.in_transit',
      payload: {
        shipmentId: parcel.id,
        orderId: parcel.orderId,
        customerId: ADA,
        warehouseId: WAREHOUSE,
        status: 'IN_TRANSIT',
        previousStatus: 'SHIPPED',
        description: 'Departed facility',
        location: 'Louisville, KY, US',
        occurredAt: '2026-11-21T03:00:00.000Z',
        actor: { kind: 'CARRIER', id: 'ups', name: 'ups' },
      },
    });
  });

  it('names who reported each step: the carrier by its code, or the staff member', async () => {
    const parcel = await shipped();
    await result(
      subgraph.url,
      'recordTrackingEvent',
      scan(parcel, 'IN_TRANSIT', '2026-11-21T03:00:00.000Z'),
      ups,
    );
    await result(
      subgraph.url,
      'recordTrackingEvent',
      scan(parcel, 'OUT_FOR_DELIVERY', '2026-11-21T08:00:00.000Z'),
      { ...viewers.staff(), name: 'Sam Staff' },
    );
    const response = await subgraphRequest(subgraph.url, {
      query: `query($id: ID!) { shipment(id: $id) { events { status actor { kind id name } } } }`,
      viewer: viewers.staff(),
      variables: { id: parcel.id },
    });
    assert.deepEqual(response.data?.shipment.events, [
      { status: 'IN_TRANSIT', actor: { kind: 'CARRIER', id: 'ups', name: 'ups' } },
      { status: 'OUT_FOR_DELIVERY', actor: { kind: 'STAFF', id: 'staff-1', name: 'Sam Staff' } },
    ]);
  });

  it('records a carrier event sent twice once, whatever the idempotency keys', async () => {
    const parcel = await shipped();
    const report = scan(parcel, 'IN_TRANSIT', '2026-11-21T03:00:00.000Z');
    const first = await result(subgraph.url, 'recordTrackingEvent', report, ups);
    const second = await result(
      subgraph.url,
      'recordTrackingEvent',
      { ...report, trackingNumber: parcel.trackingNumber.toLowerCase() },
      ups,
    );
    assert.deepEqual(second, first);
    assert.equal((await state(parcel.id)).events.length, 1);
    assert.deepEqual(await eventTypes(subgraph.handle, parcel.id), [
      'shipment.created',
      'shipment.shipped',
      'shipment.in_transit',
    ]);
  });

  it('ends delivered after a duplicated, out-of-order sequence, the timeline by occurredAt', async () => {
    const parcel = await shipped();
    const inTransit = scan(parcel, 'IN_TRANSIT', '2026-11-21T03:00:00.000Z');
    const outForDelivery = scan(
      parcel,
      'OUT_FOR_DELIVERY',
      '2026-11-22T07:00:00.000Z',
      'Out for delivery',
      null,
    );
    const delivered = scan(
      parcel,
      'DELIVERED',
      '2026-11-22T15:30:00.000Z',
      'Delivered, front door',
      'New York, NY, US',
    );
    for (const report of [
      inTransit,
      delivered,
      inTransit,
      outForDelivery,
      delivered,
      outForDelivery,
    ]) {
      const recorded = await result(subgraph.url, 'recordTrackingEvent', report, ups);
      assert.equal(recorded.__typename, 'ShipmentSuccess');
    }
    assert.deepEqual(await state(parcel.id), {
      status: 'DELIVERED',
      deliveredAt: '2026-11-22T15:30:00.000Z',
      events: [inTransit, outForDelivery, delivered].map(
        ({ status, description, location, occurredAt }) => ({
          status,
          description,
          location,
          occurredAt,
        }),
      ),
    });
    assert.deepEqual(await eventTypes(subgraph.handle, parcel.id), [
      'shipment.created',
      'shipment.shipped',
      'shipment.in_transit',
      'shipment.delivered',
      'shipment.tracking_recorded',
    ]);
    assert.deepEqual(await lastEvent(subgraph.handle, parcel.id), {
      type: 'shipment.tracking_recorded',
      payload: {
        shipmentId: parcel.id,
        orderId: parcel.orderId,
        customerId: ADA,
        warehouseId: WAREHOUSE,
        status: 'DELIVERED',
        previousStatus: 'DELIVERED',
        trackingStatus: 'OUT_FOR_DELIVERY',
        description: 'Out for delivery',
        location: null,
        occurredAt: '2026-11-22T07:00:00.000Z',
        actor: { kind: 'CARRIER', id: 'ups', name: 'ups' },
      },
    });
  });

  it('keeps a later scan of an earlier step after delivery as history only', async () => {
    const parcel = await shipped();
    await result(
      subgraph.url,
      'recordTrackingEvent',
      scan(parcel, 'DELIVERED', '2026-11-22T15:30:00.000Z'),
      ups,
    );
    const late = await result(
      subgraph.url,
      'recordTrackingEvent',
      scan(parcel, 'IN_TRANSIT', '2026-11-23T01:00:00.000Z'),
      ups,
    );
    assert.deepEqual(late, {
      __typename: 'ShipmentSuccess',
      shipment: { id: parcel.id, status: 'DELIVERED' },
    });
    const after = await state(parcel.id);
    assert.equal(after.deliveredAt, '2026-11-22T15:30:00.000Z');
    assert.deepEqual(
      after.events.map((event: { status: string }) => event.status),
      ['DELIVERED', 'IN_TRANSIT'],
    );
  });

  it('refuses a report that contradicts a delivery and changes nothing', async () => {
    const parcel = await shipped();
    await result(
      subgraph.url,
      'recordTrackingEvent',
      scan(parcel, 'DELIVERED', '2026-11-22T15:30:00.000Z'),
      ups,
    );
    const before = await snapshot(subgraph.handle, parcel.id);
    assert.deepEqual(
      await result(
        subgraph.url,
        'recordTrackingEvent',
        scan(parcel, 'RETURNED_TO_SENDER', '2026-11-24T00:00:00.000Z'),
        ups,
      ),
      {
        __typename: 'InvalidTransitionError',
        message: 'A shipment cannot go from DELIVERED to RETURNED_TO_SENDER: DELIVERED is final.',
        from: 'DELIVERED',
        to: 'RETURNED_TO_SENDER',
      },
    );
    assert.deepEqual(await snapshot(subgraph.handle, parcel.id), before);
  });

  it('answers ShipmentNotFoundError for a number the carrier does not have', async () => {
    const parcel = await shipped();
    const report = {
      ...scan(parcel, 'IN_TRANSIT', '2026-11-21T03:00:00.000Z'),
      carrierCode: 'fedex',
    };
    assert.deepEqual(
      await result(subgraph.url, 'recordTrackingEvent', report, viewers.carrier('fedex')),
      {
        __typename: 'ShipmentNotFoundError',
        message: `The carrier has no parcel with the tracking number ${parcel.trackingNumber.toUpperCase()}.`,
        shipmentId: null,
        trackingNumber: parcel.trackingNumber.toUpperCase(),
      },
    );
  });

  it('lets staff record for any carrier', async () => {
    const parcel = await shipped();
    const recorded = await result(
      subgraph.url,
      'recordTrackingEvent',
      scan(parcel, 'EXCEPTION', '2026-11-21T03:00:00.000Z'),
      viewers.staff(),
    );
    assert.deepEqual(recorded, {
      __typename: 'ShipmentSuccess',
      shipment: { id: parcel.id, status: 'EXCEPTION' },
    });
  });
});
