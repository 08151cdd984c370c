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
import type { ShipmentRow } from '../src/db/schema.js';
import { createServer, migrationsFolder } from '../src/server.js';
import { ADA, createShipment, GRACE, markShipped, WAREHOUSE } from './fixtures.js';

let subgraph: TestSubgraph;
const request = (
  query: string,
  options: Omit<Parameters<typeof subgraphRequest>[1], 'query'> = {},
) => subgraphRequest(subgraph.url, { query, ...options });

const orderId = randomUUID();
const lines = [
  { orderLineId: randomUUID(), sku: 'TEE-BLK-M', quantity: 2 },
  { orderLineId: randomUUID(), sku: 'MUG-WHT', quantity: 1 },
];
let adas: ShipmentRow; // shipped with UPS, two scans
let graces: ShipmentRow; // still PENDING

before(async () => {
  subgraph = await startTestSubgraph({ name: 'shipments_queries', migrationsFolder, createServer });
  adas = await createShipment(subgraph.handle, { orderId, lines });
  graces = await createShipment(subgraph.handle, { customerId: GRACE });
  await markShipped(subgraph.handle, {
    shipmentId: adas.id,
    carrierCode: 'ups',
    trackingNumber: '1Z999AA10123456784',
    scans: [
      {
        status: 'IN_TRANSIT',
        description: 'Departed from facility',
        location: 'Louisville, KY, US',
        occurredAt: '2026-11-21T03:00:00.000Z',
      },
      {
        status: 'OUT_FOR_DELIVERY',
        description: 'Out for delivery',
        occurredAt: '2026-11-22T07:30:00.000Z',
      },
    ],
  });
});
after(() => subgraph.stop());

const shipmentQuery = `query($id: ID!) { shipment(id: $id) {
  id order { id } warehouse { id } status
  lines { orderLineId variant { sku } quantity }
  carrier { code name } trackingNumber trackingUrl
  events { status description location occurredAt }
  estimatedDeliveryAt shippedAt deliveredAt } }`;

const idOnly = `query($id: ID!) { shipment(id: $id) { id } }`;

describe('signed requests', () => {
  it('refuses a request without the router signature and reads nothing', async () => {
    const response = await request(shipmentQuery, { viewer: null, variables: { id: adas.id } });
    assert.deepEqual(response, {
      status: 401,
      errors: [
        {
          message: 'Missing or invalid router signature.',
          extensions: { code: 'UNAUTHENTICATED' },
        },
      ],
    });
  });
});

describe('shipment', () => {
  it('shows the owner the whole shipment: lines by SKU, tracking, events oldest first', async () => {
    const response = await request(shipmentQuery, {
      viewer: viewers.customer(ADA),
      variables: { id: adas.id },
    });
    assert.deepEqual(response, {
      status: 200,
      data: {
        shipment: {
          id: adas.id,
          order: { id: orderId },
          warehouse: { id: WAREHOUSE },
          status: 'OUT_FOR_DELIVERY',
          lines: [
            { orderLineId: lines[1]!.orderLineId, variant: { sku: 'MUG-WHT' }, quantity: 1 },
            { orderLineId: lines[0]!.orderLineId, variant: { sku: 'TEE-BLK-M' }, quantity: 2 },
          ],
          carrier: { code: 'ups', name: 'UPS' },
          trackingNumber: '1Z999AA10123456784',
          trackingUrl: 'https://www.ups.com/track?tracknum=1Z999AA10123456784',
          events: [
            {
              status: 'IN_TRANSIT',
              description: 'Departed from facility',
              location: 'Louisville, KY, US',
              occurredAt: '2026-11-21T03:00:00.000Z',
            },
            {
              status: 'OUT_FOR_DELIVERY',
              description: 'Out for delivery',
              location: null,
              occurredAt: '2026-11-22T07:30:00.000Z',
            },
          ],
          estimatedDeliveryAt: '2026-11-23T18:00:00.000Z',
          shippedAt: '2026-11-20T09:00:00.000Z',
          deliveredAt: null,
        },
      },
    });
  });

  it('shows a pending shipment without carrier, tracking or events', async () => {
    const response = await request(
      `query($id: ID!) { shipment(id: $id) { status carrier { code } trackingNumber trackingUrl events { status } shippedAt } }`,
      { viewer: viewers.customer(GRACE), variables: { id: graces.id } },
    );
    assert.deepEqual(response.data, {
      shipment: {
        status: 'PENDING',
        carrier: null,
        trackingNumber: null,
        trackingUrl: null,
        events: [],
        shippedAt: null,
      },
    });
  });

  it('returns null without an error for an unknown or malformed id', async () => {
    for (const id of [randomUUID(), 'not-a-uuid']) {
      const response = await request(idOnly, { viewer: viewers.staff(), variables: { id } });
      assert.deepEqual(response, { status: 200, data: { shipment: null } });
    }
  });

  const visibility: [string, () => Viewer, () => ShipmentRow, boolean][] = [
    ['its customer', () => viewers.customer(ADA), () => adas, true],
    ['another customer', () => viewers.customer(GRACE), () => adas, false],
    ['an anonymous caller', () => viewers.anonymous(), () => adas, false],
    ['staff', () => viewers.staff(), () => adas, true],
    ['an admin', () => viewers.withRoles('admin-1', ['admin']), () => graces, true],
    ['the warehouse', () => viewers.warehouse(), () => graces, true],
    ['its carrier', () => viewers.carrier('ups'), () => adas, true],
    ['another carrier', () => viewers.carrier('fedex'), () => adas, false],
    ['a carrier, before it is shipped', () => viewers.carrier('ups'), () => graces, false],
  ];
  for (const [who, viewer, shipment, visible] of visibility) {
    it(`${visible ? 'shows' : 'refuses'} the shipment to ${who}`, async () => {
      const { id } = shipment();
      const response = await request(idOnly, { viewer: viewer(), variables: { id } });
      const errors = response.errors?.map(({ message, path, extensions }) => ({
        message,
        path,
        code: extensions?.code,
      }));
      assert.deepEqual(
        { data: response.data, errors },
        visible
          ? { data: { shipment: { id } }, errors: undefined }
          : {
              data: { shipment: null },
              errors: [
                {
                  message: 'You may only see your own shipments.',
                  path: ['shipment'],
                  code: 'FORBIDDEN',
                },
              ],
            },
      );
    });
  }
});

describe('shipmentByTracking', () => {
  const byTracking = `query($carrier: String!, $number: String!) {
    shipmentByTracking(carrierCode: $carrier, trackingNumber: $number) { id trackingNumber } }`;

  it('finds the shipment for its customer, whatever the case of the carrier code', async () => {
    const response = await request(byTracking, {
      viewer: viewers.customer(ADA),
      variables: { carrier: ' UPS ', number: ' 1Z999AA10123456784 ' },
    });
    assert.deepEqual(response.data, {
      shipmentByTracking: { id: adas.id, trackingNumber: '1Z999AA10123456784' },
    });
  });

  it('returns null for a number no shipment of that carrier has', async () => {
    const response = await request(byTracking, {
      viewer: viewers.carrier('fedex'),
      variables: { carrier: 'fedex', number: '1Z999AA10123456784' },
    });
    assert.deepEqual(response, { status: 200, data: { shipmentByTracking: null } });
  });

  it('is FORBIDDEN for another customer', async () => {
    const response = await request(byTracking, {
      viewer: viewers.customer(GRACE),
      variables: { carrier: 'ups', number: '1Z999AA10123456784' },
    });
    assert.deepEqual(response.data, { shipmentByTracking: null });
    assert.equal(response.errors?.[0]?.extensions?.code, 'FORBIDDEN');
  });
});

describe('carriers', () => {
  it('lists every carrier by name, to anyone', async () => {
    const response = await request('{ carriers { code name } }');
    assert.deepEqual(response, {
      status: 200,
      data: {
        carriers: [
          { code: 'dhl', name: 'DHL Express' },
          { code: 'fedex', name: 'FedEx' },
          { code: 'ogx', name: 'OrderGraph Express' },
          { code: 'ups', name: 'UPS' },
          { code: 'usps', name: 'USPS' },
        ],
      },
    });
  });
});
