import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  startTestSubgraph,
  subgraphRequest,
  viewers,
  type TestSubgraph,
} from '@ordergraph/shared/testing';
import { createServer, migrationsFolder } from '../src/server.js';
import {
  canTransition,
  CARRIER_STATUSES,
  checkTransition,
  SHIPMENT_STATUSES,
  type ShipmentStatus,
} from '../src/shipment-status.js';
import { createShipment, forceStatus } from './fixtures.js';
import { CANCEL_ORDER_SHIPMENTS, eventTypes, result, snapshot } from './support.js';

let subgraph: TestSubgraph;
before(async () => {
  subgraph = await startTestSubgraph({
    name: 'shipments_transitions',
    migrationsFolder,
    createServer,
  });
});
after(() => subgraph.stop());

// when the carrier's last report set the status; the reports below are all newer
const REPORTED_AT = '2026-11-21T00:00:00.000Z';
const NEWER = '2026-11-21T06:00:00.000Z';

// newer reports of a step the shipment has already been through: kept as history, the
// status unchanged (a delivered parcel scanned in transit, a repeated hand-over scan)
const LATE_REPORTS: Partial<Record<ShipmentStatus, ShipmentStatus[]>> = {
  SHIPPED: ['SHIPPED'],
  IN_TRANSIT: ['SHIPPED', 'IN_TRANSIT'],
  OUT_FOR_DELIVERY: ['SHIPPED', 'IN_TRANSIT', 'OUT_FOR_DELIVERY'],
  FAILED_ATTEMPT: ['SHIPPED', 'FAILED_ATTEMPT'],
  EXCEPTION: ['SHIPPED', 'FAILED_ATTEMPT', 'EXCEPTION'],
  DELIVERED: [
    'SHIPPED',
    'IN_TRANSIT',
    'OUT_FOR_DELIVERY',
    'DELIVERED',
    'FAILED_ATTEMPT',
    'EXCEPTION',
  ],
  RETURNED_TO_SENDER: [
    'SHIPPED',
    'IN_TRANSIT',
    'OUT_FOR_DELIVERY',
    'FAILED_ATTEMPT',
    'EXCEPTION',
    'RETURNED_TO_SENDER',
  ],
};

let parcels = 0;
/** A shipment in `status`, with a UPS tracking number whatever the status, to reach it by. */
async function shipmentIn(status: ShipmentStatus) {
  const shipment = await createShipment(subgraph.handle);
  const trackingNumber = `TBL-${++parcels}-${Date.now()}`;
  await forceStatus(subgraph.handle, {
    shipmentId: shipment.id,
    status,
    carrierCode: 'ups',
    trackingNumber,
    statusReportedAt: REPORTED_AT,
  });
  return { ...shipment, trackingNumber };
}

const warehouseSteps = [
  ['startPicking', 'PICKING'],
  ['markPacked', 'PACKED'],
  ['shipShipment', 'SHIPPED'],
] as const;

describe('every invalid transition through the mutations is refused and changes nothing', () => {
  for (const from of SHIPMENT_STATUSES) {
    for (const [mutation, to] of warehouseSteps) {
      if (canTransition(from, to)) continue;
      it(`${mutation} on a ${from} shipment`, async () => {
        const shipment = await shipmentIn(from);
        const before = await snapshot(subgraph.handle, shipment.id);
        const input = {
          shipmentId: shipment.id,
          ...(mutation === 'shipShipment' ? { carrierCode: 'ogx' } : {}),
        };
        assert.deepEqual(
          await result(subgraph.url, mutation, input, viewers.warehouse()),
          checkTransition(from, to),
        );
        assert.deepEqual(await snapshot(subgraph.handle, shipment.id), before);
      });
    }

    if (!canTransition(from, 'CANCELLED')) {
      it(`cancelOrderShipments on a ${from} shipment`, async () => {
        const shipment = await shipmentIn(from);
        const before = await snapshot(subgraph.handle, shipment.id);
        const response = await subgraphRequest(subgraph.url, {
          query: CANCEL_ORDER_SHIPMENTS,
          viewer: viewers.service('orders'),
          variables: { input: { orderId: shipment.orderId } },
        });
        // cancelling a cancelled order again is the idempotent repeat, not a refusal
        assert.deepEqual(response.data, { cancelOrderShipments: from === 'CANCELLED' });
        assert.deepEqual(await snapshot(subgraph.handle, shipment.id), before);
      });
    }

    for (const reported of CARRIER_STATUSES) {
      if (canTransition(from, reported)) continue;
      const late = LATE_REPORTS[from]?.includes(reported) ?? false;
      it(`recordTrackingEvent ${reported} on a ${from} shipment ${late ? 'is history only' : 'is refused'}`, async () => {
        const shipment = await shipmentIn(from);
        const before = await snapshot(subgraph.handle, shipment.id);
        const recorded = await result(
          subgraph.url,
          'recordTrackingEvent',
          {
            carrierCode: 'ups',
            trackingNumber: shipment.trackingNumber,
            status: reported,
            description: 'Scan',
            occurredAt: NEWER,
          },
          viewers.carrier('ups'),
        );
        const after = await snapshot(subgraph.handle, shipment.id);
        if (!late) {
          assert.deepEqual(recorded, checkTransition(from, reported));
          assert.deepEqual(after, before);
          return;
        }
        assert.deepEqual(recorded, {
          __typename: 'ShipmentSuccess',
          shipment: { id: shipment.id, status: from },
        });
        assert.deepEqual({ ...after.row, updatedAt: null }, { ...before.row, updatedAt: null });
        assert.deepEqual(
          after.tracking.map((event) => event.status),
          [reported],
        );
        assert.deepEqual(
          (await eventTypes(subgraph.handle, shipment.id)).at(-1),
          'shipment.tracking_recorded',
        );
      });
    }
  }
});
