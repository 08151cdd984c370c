import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { encodeEventCursor, type EventLogRow, type Viewer } from '@ordergraph/shared';
import {
  connectSubscriptionClient,
  startTestSubgraph,
  startTestSubgraphReplica,
  viewers,
  waitUntil,
  type TestSubgraph,
  type TestSubscriptionClient,
} from '@ordergraph/shared/testing';
import { createServer, migrationsFolder, type ShipmentsServer } from '../src/server.js';
import { ADA, createShipment, GRACE } from './fixtures.js';
import { result, scan, snapshot } from './support.js';

let primary: TestSubgraph<ShipmentsServer>;
let replica: TestSubgraph<ShipmentsServer>;
let client: TestSubscriptionClient;
let replicaClient: TestSubscriptionClient;

before(async () => {
  primary = await startTestSubgraph({ name: 'shipments_ws', migrationsFolder, createServer });
  replica = await startTestSubgraphReplica({
    of: primary,
    name: 'shipments_ws',
    migrationsFolder,
    createServer,
  });
  // as the router connects: a service, each subscription signed for its end user
  client = await connectSubscriptionClient(primary.url);
  replicaClient = await connectSubscriptionClient(replica.url);
});
after(async () => {
  await client.close();
  await replicaClient.close();
  await replica.stop();
  await primary.stop();
});

const ada = viewers.customer(ADA);
const warehouse = viewers.warehouse();
const SHIPMENT_UPDATED = `subscription($shipmentId: ID!, $after: String) {
  shipmentUpdated(shipmentId: $shipmentId, after: $after) {
    cursor event { id type status message occurredAt } shipment { id status } } }`;

function follow(
  shipmentId: string,
  {
    viewer = ada,
    after,
    on = client,
  }: { viewer?: Viewer; after?: string; on?: TestSubscriptionClient } = {},
) {
  return on.subscribe({ query: SHIPMENT_UPDATED, variables: { shipmentId, after }, viewer });
}

/** waits until the server holds a live subscription of the shipment */
const followed = (server: ShipmentsServer, shipmentId: string) =>
  waitUntil(() => server.tail.watching({ streamType: 'shipment', streamId: shipmentId }) > 0, {
    what: `a subscription of shipment ${shipmentId}`,
  });

async function step(field: 'startPicking' | 'markPacked', shipmentId: string) {
  const done = await result(primary.url, field, { shipmentId }, warehouse);
  assert.equal(done.__typename, 'ShipmentSuccess');
}

/** what shipmentUpdated sends for an event of the log */
const updateOf = (event: EventLogRow, status: string, message: string) => ({
  data: {
    shipmentUpdated: {
      cursor: encodeEventCursor('shipment', event.seq),
      event: {
        id: String(event.seq),
        type: event.type,
        status: event.payload['status'],
        message,
        occurredAt: event.occurredAt.toISOString(),
      },
      shipment: { id: event.streamId, status },
    },
  },
});

const eventsOf = async (shipmentId: string) => (await snapshot(primary.handle, shipmentId)).events;

describe('shipmentUpdated', () => {
  it('sends a warehouse step as it commits', async () => {
    const shipment = await createShipment(primary.handle);
    const subscription = follow(shipment.id);
    await followed(primary.server, shipment.id);
    await step('startPicking', shipment.id);
    const [update] = await subscription.take(1);
    const picking = (await eventsOf(shipment.id)).at(-1)!;
    assert.deepEqual(update, updateOf(picking, 'PICKING', 'The warehouse is picking the items'));
    subscription.unsubscribe();
  });

  it("replays exactly the updates after a cursor, in order, then the carrier's live", async () => {
    const shipment = await createShipment(primary.handle);
    await step('startPicking', shipment.id);
    await step('markPacked', shipment.id);
    const trackingNumber = `UPS-SUB-${Date.now()}`;
    const shipped = await result(
      primary.url,
      'shipShipment',
      { shipmentId: shipment.id, carrierCode: 'ups', trackingNumber },
      warehouse,
    );
    assert.equal(shipped.__typename, 'ShipmentSuccess');
    const [created] = await eventsOf(shipment.id);
    const subscription = follow(shipment.id, {
      after: encodeEventCursor('shipment', created!.seq),
    });
    await subscription.take(3);
    const reported = await result(
      primary.url,
      'recordTrackingEvent',
      scan({ trackingNumber }, 'IN_TRANSIT', new Date().toISOString(), 'Arrived at facility'),
      viewers.carrier('ups'),
    );
    assert.equal(reported.__typename, 'ShipmentSuccess');
    const [, picking, packed, shippedEvent, inTransit] = await eventsOf(shipment.id);
    // each update carries the shipment as it stood when the update was sent
    assert.deepEqual(await subscription.take(4), [
      updateOf(picking!, 'SHIPPED', 'The warehouse is picking the items'),
      updateOf(packed!, 'SHIPPED', 'Packed and waiting for the carrier'),
      updateOf(shippedEvent!, 'SHIPPED', `Shipped with UPS, tracking ${trackingNumber}`),
      updateOf(inTransit!, 'IN_TRANSIT', 'Arrived at facility (Louisville, KY, US)'),
    ]);
    subscription.unsubscribe();
  });

  it("refuses another customer's shipment with FORBIDDEN and an unknown one with NOT_FOUND", async () => {
    const shipment = await createShipment(primary.handle);
    const graces = follow(shipment.id, { viewer: viewers.customer(GRACE) });
    const unknown = follow(randomUUID());
    for (const [subscription, code] of [
      [graces, 'FORBIDDEN'],
      [unknown, 'NOT_FOUND'],
    ] as const) {
      assert.deepEqual(await subscription.ended, { kind: 'complete' });
      assert.equal(subscription.results.length, 1);
      assert.equal(subscription.results[0]?.data, undefined);
      assert.equal(subscription.results[0]?.errors?.[0]?.extensions?.['code'], code);
    }
  });

  it('refuses a cursor that is not one of a shipment with BAD_USER_INPUT', async () => {
    const shipment = await createShipment(primary.handle);
    for (const after of ['not-a-cursor', encodeEventCursor('order', 1)]) {
      const subscription = follow(shipment.id, { after });
      await subscription.ended;
      assert.equal(subscription.results[0]?.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
    }
  });

  it('refuses a connection without a signature', async () => {
    await assert.rejects(connectSubscriptionClient(primary.url, { viewer: null }), {
      code: 4403,
    });
  });

  it('reaches a subscriber of another instance on the same database', async () => {
    const shipment = await createShipment(primary.handle);
    const subscription = follow(shipment.id, { on: replicaClient });
    await followed(replica.server, shipment.id);
    await step('startPicking', shipment.id);
    const [update] = await subscription.take(1);
    assert.deepEqual(
      update,
      updateOf(
        (await eventsOf(shipment.id)).at(-1)!,
        'PICKING',
        'The warehouse is picking the items',
      ),
    );
    subscription.unsubscribe();
  });
});
