import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  startTestSubgraph,
  subgraphRequest,
  viewers,
  type TestSubgraph,
} from '@ordergraph/shared/testing';
import type { ShipmentRow } from '../src/db/schema.js';
import { createServer, migrationsFolder } from '../src/server.js';
import { ADA, createShipment, GRACE, markShipped } from './fixtures.js';

let subgraph: TestSubgraph;
const request = (
  query: string,
  options: Omit<Parameters<typeof subgraphRequest>[1], 'query'> = {},
) => subgraphRequest(subgraph.url, { query, ...options });

const adasOrder = randomUUID();
const gracesOrder = randomUUID();
let adasEast: ShipmentRow;
let adasWest: ShipmentRow;
let graces: ShipmentRow;

before(async () => {
  subgraph = await startTestSubgraph({
    name: 'shipments_entities',
    migrationsFolder,
    createServer,
  });
  adasEast = await createShipment(subgraph.handle, { orderId: adasOrder, warehouseId: 'wh-east' });
  adasWest = await createShipment(subgraph.handle, { orderId: adasOrder, warehouseId: 'wh-west' });
  graces = await createShipment(subgraph.handle, { orderId: gracesOrder, customerId: GRACE });
  await markShipped(subgraph.handle, {
    shipmentId: adasEast.id,
    carrierCode: 'ogx',
    trackingNumber: 'OGX-0001',
  });
});
after(() => subgraph.stop());

describe('Shipment entity', () => {
  const entities = `query($r: [_Any!]!) { _entities(representations: $r) {
    ... on Shipment { id status warehouse { id } carrier { code } } } }`;
  const ref = (id: string) => ({ __typename: 'Shipment', id });

  it('resolves references for staff in order, null for unknown and malformed ids', async () => {
    const response = await request(entities, {
      viewer: viewers.staff(),
      variables: { r: [ref(graces.id), ref('not-a-uuid'), ref(randomUUID()), ref(adasEast.id)] },
    });
    assert.deepEqual(response, {
      status: 200,
      data: {
        _entities: [
          { id: graces.id, status: 'PENDING', warehouse: { id: 'wh-east' }, carrier: null },
          null,
          null,
          {
            id: adasEast.id,
            status: 'SHIPPED',
            warehouse: { id: 'wh-east' },
            carrier: { code: 'ogx' },
          },
        ],
      },
    });
  });

  it('resolves only their own shipments for a customer, without an error', async () => {
    const response = await request(entities, {
      viewer: viewers.customer(ADA),
      variables: { r: [ref(adasWest.id), ref(graces.id)] },
    });
    assert.deepEqual(response, {
      status: 200,
      data: {
        _entities: [
          { id: adasWest.id, status: 'PENDING', warehouse: { id: 'wh-west' }, carrier: null },
          null,
        ],
      },
    });
  });

  it('resolves for a carrier only the shipments it carries', async () => {
    const response = await request(entities, {
      viewer: viewers.carrier('ogx'),
      variables: { r: [ref(adasEast.id), ref(adasWest.id)] },
    });
    assert.deepEqual(
      response.data?._entities.map((entity: { id: string } | null) => entity?.id ?? null),
      [adasEast.id, null],
    );
  });
});

describe('Order entity', () => {
  const entities = `query($r: [_Any!]!) { _entities(representations: $r) {
    ... on Order { id shipments { id order { id } warehouse { id } } } } }`;
  const ref = (id: string) => ({ __typename: 'Order', id });

  it('adds the shipments of each order, oldest first, for staff', async () => {
    const noShipments = randomUUID();
    const response = await request(entities, {
      viewer: viewers.staff(),
      variables: { r: [ref(adasOrder), ref(noShipments), ref(gracesOrder), ref('not-a-uuid')] },
    });
    assert.deepEqual(response, {
      status: 200,
      data: {
        _entities: [
          {
            id: adasOrder,
            shipments: [
              { id: adasEast.id, order: { id: adasOrder }, warehouse: { id: 'wh-east' } },
              { id: adasWest.id, order: { id: adasOrder }, warehouse: { id: 'wh-west' } },
            ],
          },
          { id: noShipments, shipments: [] },
          {
            id: gracesOrder,
            shipments: [
              { id: graces.id, order: { id: gracesOrder }, warehouse: { id: 'wh-east' } },
            ],
          },
          { id: 'not-a-uuid', shipments: [] },
        ],
      },
    });
  });

  it("gives a customer no shipments of someone else's order", async () => {
    const response = await request(entities, {
      viewer: viewers.customer(GRACE),
      variables: { r: [ref(adasOrder), ref(gracesOrder)] },
    });
    assert.deepEqual(response.data?._entities, [
      { id: adasOrder, shipments: [] },
      {
        id: gracesOrder,
        shipments: [{ id: graces.id, order: { id: gracesOrder }, warehouse: { id: 'wh-east' } }],
      },
    ]);
  });

  it('gives a carrier only the shipments of the order it carries', async () => {
    const response = await request(entities, {
      viewer: viewers.carrier('ogx'),
      variables: { r: [ref(adasOrder)] },
    });
    assert.deepEqual(response.data?._entities, [
      {
        id: adasOrder,
        shipments: [{ id: adasEast.id, order: { id: adasOrder }, warehouse: { id: 'wh-east' } }],
      },
    ]);
  });
});

describe('statements per request', () => {
  const entities = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Order { id
    shipments { id status lines { orderLineId variant { sku } quantity }
      events { status occurredAt } carrier { code name } allowedActions } } } }`;

  const countStatements = async (orderIds: string[]) => {
    const before = subgraph.handle.statements.count;
    const response = await request(entities, {
      viewer: viewers.staff(),
      variables: { r: orderIds.map((id) => ({ __typename: 'Order', id })) },
    });
    assert.equal(response.errors, undefined);
    return { statements: subgraph.handle.statements.count - before, response };
  };

  it('loads the shipments, lines, events, carriers and actions of 20 orders in four statements', async () => {
    const orderIds = Array.from({ length: 20 }, () => randomUUID());
    const carriers = ['ups', 'fedex', 'dhl', 'usps', 'ogx'];
    for (const [index, orderId] of orderIds.entries()) {
      const shipment = await createShipment(subgraph.handle, {
        orderId,
        lines: [
          { orderLineId: randomUUID(), sku: `SKU-${index}-A`, quantity: 1 },
          { orderLineId: randomUUID(), sku: `SKU-${index}-B`, quantity: 2 },
        ],
      });
      await markShipped(subgraph.handle, {
        shipmentId: shipment.id,
        carrierCode: carriers[index % carriers.length]!,
        trackingNumber: `BULK-${index}`,
        scans: [
          { status: 'IN_TRANSIT', description: 'Departed', occurredAt: '2026-11-21T00:00:00.000Z' },
          { status: 'DELIVERED', description: 'Delivered', occurredAt: '2026-11-22T00:00:00.000Z' },
        ],
      });
    }

    const one = await countStatements(orderIds.slice(0, 1));
    const twenty = await countStatements(orderIds);
    assert.equal(one.statements, 4);
    assert.equal(twenty.statements, 4);
    const orders = twenty.response.data?._entities as {
      shipments: { lines: unknown[]; events: unknown[]; carrier: unknown }[];
    }[];
    assert.equal(orders.length, 20);
    for (const order of orders) {
      assert.equal(order.shipments.length, 1);
      assert.equal(order.shipments[0]!.lines.length, 2);
      assert.equal(order.shipments[0]!.events.length, 2);
      assert.ok(order.shipments[0]!.carrier);
    }
  });
});
