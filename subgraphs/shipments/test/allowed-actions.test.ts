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
import { allowedActions, type ShipmentAction } from '../src/shipment-actions.js';
import type { ShipmentStatus } from '../src/shipment-status.js';
import { ADA, createShipment, forceStatus, GRACE } from './fixtures.js';

const admin = viewers.withRoles('admin-1', ['admin']);

describe('allowedActions', () => {
  const cases: [ShipmentStatus, string, Viewer, ShipmentAction[]][] = [
    ['PENDING', 'the warehouse', viewers.warehouse(), ['START_PICKING']],
    ['PENDING', 'staff', viewers.staff(), ['START_PICKING', 'CANCEL']],
    ['PENDING', 'its customer', viewers.customer(ADA), ['CANCEL']],
    ['PENDING', 'another customer', viewers.customer(GRACE), []],
    ['PENDING', 'a carrier', viewers.carrier('ups'), []],
    ['PICKING', 'the warehouse', viewers.warehouse(), ['MARK_PACKED']],
    ['PACKED', 'the warehouse', viewers.warehouse(), ['SHIP']],
    ['PACKED', 'an admin', admin, ['SHIP', 'CANCEL']],
    ['SHIPPED', 'its carrier', viewers.carrier('ups'), ['RECORD_TRACKING_EVENT']],
    ['SHIPPED', 'another carrier', viewers.carrier('fedex'), []],
    ['SHIPPED', 'staff', viewers.staff(), ['RECORD_TRACKING_EVENT']],
    ['SHIPPED', 'the warehouse', viewers.warehouse(), []],
    ['SHIPPED', 'its customer', viewers.customer(ADA), []],
    ['OUT_FOR_DELIVERY', 'its carrier', viewers.carrier('ups'), ['RECORD_TRACKING_EVENT']],
    ['DELIVERED', 'its carrier', viewers.carrier('ups'), []],
    ['RETURNED_TO_SENDER', 'staff', viewers.staff(), []],
    ['CANCELLED', 'staff', viewers.staff(), []],
  ];
  for (const [status, who, viewer, expected] of cases) {
    it(`offers ${who} ${expected.join(', ') || 'nothing'} on a ${status} shipment`, () => {
      const shipped = !['PENDING', 'PICKING', 'PACKED', 'CANCELLED'].includes(status);
      const shipment = {
        status,
        customerId: ADA,
        carrierCode: shipped ? 'ups' : null,
        trackingNumber: shipped ? '1Z-1' : null,
      };
      assert.deepEqual(allowedActions({ viewer, shipment, orderShipments: [shipment] }), expected);
    });
  }

  it('offers no CANCEL once another shipment of the order has shipped', () => {
    const shipment = {
      status: 'PENDING' as const,
      customerId: ADA,
      carrierCode: null,
      trackingNumber: null,
    };
    assert.deepEqual(
      allowedActions({
        viewer: viewers.staff(),
        shipment,
        orderShipments: [shipment, { status: 'SHIPPED' }],
      }),
      ['START_PICKING'],
    );
    assert.deepEqual(
      allowedActions({
        viewer: viewers.customer(ADA),
        shipment,
        orderShipments: [shipment, { status: 'CANCELLED' }],
      }),
      ['CANCEL'],
    );
  });
});

describe('Shipment.allowedActions', () => {
  let subgraph: TestSubgraph;
  before(async () => {
    subgraph = await startTestSubgraph({
      name: 'shipments_actions',
      migrationsFolder,
      createServer,
    });
  });
  after(() => subgraph.stop());

  const ORDER = `query($r: [_Any!]!) { _entities(representations: $r) {
    ... on Order { shipments { warehouse { id } status allowedActions } } } }`;

  it('shows each viewer what it may do with the shipments of an order', async () => {
    const orderId = randomUUID();
    const east = await createShipment(subgraph.handle, { orderId, warehouseId: 'wh-east' });
    await createShipment(subgraph.handle, { orderId, warehouseId: 'wh-west' });
    await forceStatus(subgraph.handle, { shipmentId: east.id, status: 'PACKED' });
    const actions = async (viewer: Viewer) =>
      (
        await subgraphRequest(subgraph.url, {
          query: ORDER,
          viewer,
          variables: { r: [{ __typename: 'Order', id: orderId }] },
        })
      ).data?._entities[0].shipments;

    assert.deepEqual(await actions(viewers.warehouse()), [
      { warehouse: { id: 'wh-east' }, status: 'PACKED', allowedActions: ['SHIP'] },
      { warehouse: { id: 'wh-west' }, status: 'PENDING', allowedActions: ['START_PICKING'] },
    ]);
    assert.deepEqual(await actions(viewers.customer(ADA)), [
      { warehouse: { id: 'wh-east' }, status: 'PACKED', allowedActions: ['CANCEL'] },
      { warehouse: { id: 'wh-west' }, status: 'PENDING', allowedActions: ['CANCEL'] },
    ]);

    await forceStatus(subgraph.handle, {
      shipmentId: east.id,
      status: 'SHIPPED',
      carrierCode: 'ups',
      trackingNumber: `1Z-${orderId}`,
    });
    assert.deepEqual(await actions(viewers.staff()), [
      {
        warehouse: { id: 'wh-east' },
        status: 'SHIPPED',
        allowedActions: ['RECORD_TRACKING_EVENT'],
      },
      { warehouse: { id: 'wh-west' }, status: 'PENDING', allowedActions: ['START_PICKING'] },
    ]);
  });
});
