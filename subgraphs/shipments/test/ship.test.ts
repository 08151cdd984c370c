import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  subgraphRequest,
  startTestSubgraph,
  viewers,
  type TestSubgraph,
} from '@ordergraph/shared/testing';
import { createServer, migrationsFolder } from '../src/server.js';
import { estimateDelivery } from '../src/tracking.js';
import { ADA, createShipment, forceStatus, WAREHOUSE } from './fixtures.js';
import { eventTypes, lastEvent, newKey, result, snapshot } from './support.js';

let subgraph: TestSubgraph;
before(async () => {
  subgraph = await startTestSubgraph({ name: 'shipments_ship', migrationsFolder, createServer });
});
after(() => subgraph.stop());

const warehouse = viewers.warehouse();
const lines = () => [
  { orderLineId: randomUUID(), sku: 'MUG-WHT', quantity: 1 },
  { orderLineId: randomUUID(), sku: 'TEE-BLK-M', quantity: 2 },
];

async function packed(shipmentLines = lines()) {
  const shipment = await createShipment(subgraph.handle, { lines: shipmentLines });
  await forceStatus(subgraph.handle, { shipmentId: shipment.id, status: 'PACKED' });
  return shipment;
}

const SHIPPED = `query($id: ID!) { shipment(id: $id) { status carrier { code name } trackingNumber
  trackingUrl shippedAt estimatedDeliveryAt deliveredAt events { status } } }`;

describe('shipShipment', () => {
  it('hands a PACKED shipment to the carrier with its number, page and expected date', async () => {
    const shipmentLines = lines();
    const shipment = await packed(shipmentLines);
    const input = {
      shipmentId: shipment.id,
      carrierCode: ' UPS ',
      trackingNumber: ' 1z999aa10123456784 ',
    };
    assert.deepEqual(await result(subgraph.url, 'shipShipment', input, warehouse), {
      __typename: 'ShipmentSuccess',
      shipment: { id: shipment.id, status: 'SHIPPED' },
    });
    const { row } = await snapshot(subgraph.handle, shipment.id);
    const shippedAt = row!.shippedAt!;
    assert.ok(Math.abs(shippedAt.getTime() - Date.now()) < 60_000);
    const response = await subgraphRequest(subgraph.url, {
      query: SHIPPED,
      viewer: viewers.customer(ADA),
      variables: { id: shipment.id },
    });
    assert.deepEqual(response.data, {
      shipment: {
        status: 'SHIPPED',
        carrier: { code: 'ups', name: 'UPS' },
        trackingNumber: '1Z999AA10123456784',
        trackingUrl: 'https://www.ups.com/track?tracknum=1Z999AA10123456784',
        shippedAt: shippedAt.toISOString(),
        estimatedDeliveryAt: estimateDelivery(shippedAt, 3).toISOString(),
        deliveredAt: null,
        events: [],
      },
    });
    assert.deepEqual(await lastEvent(subgraph.handle, shipment.id), {
      type: 'shipment.shipped',
      payload: {
        shipmentId: shipment.id,
        orderId: shipment.orderId,
        customerId: ADA,
        warehouseId: WAREHOUSE,
        status: 'SHIPPED',
        previousStatus: 'PACKED',
        carrierCode: 'ups',
        trackingNumber: '1Z999AA10123456784',
        trackingUrl: 'https://www.ups.com/track?tracknum=1Z999AA10123456784',
        lines: shipmentLines,
        actor: { kind: 'WAREHOUSE', id: 'warehouse-1', name: null },
      },
    });
  });

  it('generates a tracking number when none is given, a new one per parcel', async () => {
    const numbers = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const shipment = await packed();
      await result(
        subgraph.url,
        'shipShipment',
        { shipmentId: shipment.id, carrierCode: 'ogx' },
        warehouse,
      );
      const { row } = await snapshot(subgraph.handle, shipment.id);
      assert.match(row!.trackingNumber!, /^OGX-\d{12}$/);
      assert.equal(row!.trackingUrl, `https://tracking.example.com/ogx/${row!.trackingNumber}`);
      numbers.add(row!.trackingNumber!);
    }
    assert.equal(numbers.size, 3);
  });

  it('returns the first result for a repeated key, the generated number included', async () => {
    const shipment = await packed();
    const input = { shipmentId: shipment.id, carrierCode: 'ogx', idempotencyKey: newKey() };
    const first = await result(subgraph.url, 'shipShipment', input, warehouse);
    const number = (await snapshot(subgraph.handle, shipment.id)).row!.trackingNumber;
    assert.deepEqual(await result(subgraph.url, 'shipShipment', input, warehouse), first);
    assert.equal((await snapshot(subgraph.handle, shipment.id)).row!.trackingNumber, number);
    assert.deepEqual(await eventTypes(subgraph.handle, shipment.id), [
      'shipment.created',
      'shipment.shipped',
    ]);
  });

  it('refuses a tracking number another parcel of the carrier has, not one of another carrier', async () => {
    const [first, second, third] = [await packed(), await packed(), await packed()];
    await result(
      subgraph.url,
      'shipShipment',
      { shipmentId: first.id, carrierCode: 'dhl', trackingNumber: 'DUP-0001' },
      warehouse,
    );
    const before = await snapshot(subgraph.handle, second.id);
    assert.deepEqual(
      await result(
        subgraph.url,
        'shipShipment',
        { shipmentId: second.id, carrierCode: 'dhl', trackingNumber: 'dup-0001' },
        warehouse,
      ),
      {
        __typename: 'InvalidInputError',
        message: 'The carrier already has a parcel with the tracking number DUP-0001.',
        field: 'trackingNumber',
      },
    );
    assert.deepEqual(await snapshot(subgraph.handle, second.id), before);
    const other = await result(
      subgraph.url,
      'shipShipment',
      { shipmentId: third.id, carrierCode: 'fedex', trackingNumber: 'DUP-0001' },
      warehouse,
    );
    assert.equal(other.__typename, 'ShipmentSuccess');
  });

  const badInputs: [string, Record<string, unknown>, string, string][] = [
    [
      'an unknown carrier',
      { carrierCode: 'pigeon' },
      'No carrier has the code pigeon.',
      'carrierCode',
    ],
    [
      'an empty carrier code',
      { carrierCode: ' ' },
      'carrierCode must not be empty.',
      'carrierCode',
    ],
    [
      'a malformed tracking number',
      { carrierCode: 'ups', trackingNumber: 'no spaces!' },
      'trackingNumber must be 4 to 40 letters, digits or dashes.',
      'trackingNumber',
    ],
    [
      'a too short tracking number',
      { carrierCode: 'ups', trackingNumber: 'AB1' },
      'trackingNumber must be 4 to 40 letters, digits or dashes.',
      'trackingNumber',
    ],
  ];
  for (const [what, input, message, field] of badInputs) {
    it(`refuses ${what} and changes nothing`, async () => {
      const shipment = await packed();
      const before = await snapshot(subgraph.handle, shipment.id);
      assert.deepEqual(
        await result(
          subgraph.url,
          'shipShipment',
          { shipmentId: shipment.id, ...input },
          warehouse,
        ),
        { __typename: 'InvalidInputError', message, field },
      );
      assert.deepEqual(await snapshot(subgraph.handle, shipment.id), before);
    });
  }

  it('answers ShipmentNotFoundError for an unknown shipment', async () => {
    const shipmentId = randomUUID();
    assert.deepEqual(
      await result(subgraph.url, 'shipShipment', { shipmentId, carrierCode: 'ups' }, warehouse),
      {
        __typename: 'ShipmentNotFoundError',
        message: `No shipment has the id ${shipmentId}.`,
        shipmentId,
        trackingNumber: null,
      },
    );
  });
});

describe('estimateDelivery', () => {
  it('counts business days and ends the day at 18:00 UTC', () => {
    // a Wednesday evening: Thursday, Friday, then Monday
    assert.equal(
      estimateDelivery(new Date('2026-11-18T21:30:00Z'), 3).toISOString(),
      '2026-11-23T18:00:00.000Z',
    );
    // a Friday: Monday and Tuesday
    assert.equal(
      estimateDelivery(new Date('2026-11-20T08:00:00Z'), 2).toISOString(),
      '2026-11-24T18:00:00.000Z',
    );
    // a Saturday with a next-day carrier: Monday
    assert.equal(
      estimateDelivery(new Date('2026-11-21T08:00:00Z'), 1).toISOString(),
      '2026-11-23T18:00:00.000Z',
    );
  });
});
