import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { isUuid, type DatabaseHandle, transaction } from '@ordergraph/shared';
import { createTestDatabase } from '@ordergraph/shared/testing';
import { migrationsFolder } from '../src/server.js';
import {
  createShipmentsRepository,
  type ShipmentsRepository,
} from '../src/shipments.repository.js';
import { ADA, createShipment, GRACE, markShipped, WAREHOUSE } from './fixtures.js';

let handle: DatabaseHandle;
const repository = () => createShipmentsRepository({ db: handle.db });

before(async () => {
  handle = await createTestDatabase({ name: 'shipments_repository', migrationsFolder });
});
after(() => handle.close());

describe('carriers', () => {
  it('holds the reference carriers from the migrations, by name', async () => {
    const carriers = await repository().listCarriers();
    assert.ok(carriers.every((carrier) => carrier.active));
    assert.deepEqual(
      carriers.map(({ code, name, trackingUrlTemplate, transitDays }) => ({
        code,
        name,
        trackingUrlTemplate,
        transitDays,
      })),
      [
        {
          code: 'dhl',
          name: 'DHL Express',
          trackingUrlTemplate:
            'https://www.dhl.com/global-en/home/tracking/tracking-express.html?submit=1&tracking-id={trackingNumber}',
          transitDays: 2,
        },
        {
          code: 'fedex',
          name: 'FedEx',
          trackingUrlTemplate: 'https://www.fedex.com/fedextrack/?trknbr={trackingNumber}',
          transitDays: 2,
        },
        {
          code: 'ogx',
          name: 'OrderGraph Express',
          trackingUrlTemplate: 'https://tracking.example.com/ogx/{trackingNumber}',
          transitDays: 2,
        },
        {
          code: 'ups',
          name: 'UPS',
          trackingUrlTemplate: 'https://www.ups.com/track?tracknum={trackingNumber}',
          transitDays: 3,
        },
        {
          code: 'usps',
          name: 'USPS',
          trackingUrlTemplate:
            'https://tools.usps.com/go/TrackConfirmAction?tLabels={trackingNumber}',
          transitDays: 4,
        },
      ],
    );
  });

  it('finds carriers by code, ignoring unknown codes', async () => {
    const found = await repository().findCarriersByCodes(['ups', 'nope', 'ogx']);
    assert.deepEqual(found.map((carrier) => carrier.code).sort(), ['ogx', 'ups']);
    assert.deepEqual(await repository().findCarriersByCodes([]), []);
  });
});

describe('insertShipment', () => {
  const insert = (shipment: Parameters<ShipmentsRepository['insertShipment']>[0]) =>
    transaction(handle.db, (tx) => createShipmentsRepository({ db: tx }).insertShipment(shipment));

  it('creates a PENDING shipment with its lines, and only one per order and warehouse', async () => {
    const orderId = randomUUID();
    const lines = [
      { orderLineId: randomUUID(), sku: 'TEE-BLK-M', quantity: 2 },
      { orderLineId: randomUUID(), sku: 'MUG-WHT', quantity: 1 },
    ];
    const shipment = await insert({ orderId, customerId: ADA, warehouseId: WAREHOUSE, lines });
    const { id, createdAt, updatedAt, ...rest } = shipment!;
    assert.ok(isUuid(id));
    assert.ok(createdAt instanceof Date);
    assert.ok(Math.abs(updatedAt.getTime() - createdAt.getTime()) < 1000);
    assert.deepEqual(rest, {
      orderId,
      customerId: ADA,
      warehouseId: WAREHOUSE,
      status: 'PENDING',
      carrierCode: null,
      trackingNumber: null,
      trackingUrl: null,
      estimatedDeliveryAt: null,
      shippedAt: null,
      deliveredAt: null,
      statusReportedAt: null,
    });
    const saved = await repository().findLinesByShipmentIds([id]);
    assert.deepEqual(
      saved.map(({ shipmentId, orderLineId, sku, quantity }) => ({
        shipmentId,
        orderLineId,
        sku,
        quantity,
      })),
      [
        { shipmentId: id, ...lines[1]! },
        { shipmentId: id, ...lines[0]! },
      ],
    );

    const again = await insert({ orderId, customerId: ADA, warehouseId: WAREHOUSE, lines });
    assert.equal(again, null);
    assert.deepEqual(
      (await repository().findByOrderIds([orderId])).map((row) => row.id),
      [id],
    );
    assert.equal((await repository().findLinesByShipmentIds([id])).length, 2);
  });

  it('writes nothing when a line is refused', async () => {
    const orderId = randomUUID();
    await assert.rejects(
      insert({
        orderId,
        customerId: ADA,
        warehouseId: WAREHOUSE,
        lines: [{ orderLineId: randomUUID(), sku: 'X', quantity: 0 }],
      }),
    );
    assert.deepEqual(await repository().findByOrderIds([orderId]), []);
  });

  it('refuses a shipment without lines', async () => {
    await assert.rejects(createShipment(handle, { lines: [] }), /at least one line/);
  });

  it('joins the caller transaction, rolling back with it', async () => {
    const orderId = randomUUID();
    await assert.rejects(
      transaction(handle.db, async (tx) => {
        await createShipmentsRepository({ db: tx }).insertShipment({
          orderId,
          customerId: ADA,
          warehouseId: WAREHOUSE,
          lines: [{ orderLineId: randomUUID(), sku: 'TEE-BLK-M', quantity: 1 }],
        });
        throw new Error('a later step failed');
      }),
      /a later step failed/,
    );
    assert.deepEqual(await repository().findByOrderIds([orderId]), []);
  });
});

describe('finders', () => {
  it('finds shipments by id, skipping unknown and malformed ids', async () => {
    const a = await createShipment(handle);
    const b = await createShipment(handle, { customerId: GRACE });
    const found = await repository().findByIds([b.id, 'not-a-uuid', randomUUID(), a.id]);
    assert.deepEqual(found.map((row) => row.id).sort(), [a.id, b.id].sort());
    assert.deepEqual(await repository().findByIds(['not-a-uuid']), []);
  });

  it('finds the shipments of several orders at once, oldest first', async () => {
    const orderId = randomUUID();
    const otherOrderId = randomUUID();
    const first = await createShipment(handle, { orderId, warehouseId: 'wh-east' });
    const second = await createShipment(handle, { orderId, warehouseId: 'wh-west' });
    const other = await createShipment(handle, { orderId: otherOrderId });
    const found = await repository().findByOrderIds([orderId, otherOrderId, 'unknown']);
    assert.deepEqual(
      found.filter((row) => row.orderId === orderId).map((row) => row.id),
      [first.id, second.id],
    );
    assert.deepEqual(
      found.filter((row) => row.orderId === otherOrderId).map((row) => row.id),
      [other.id],
    );
  });

  it('finds tracking events oldest first, whatever order they were recorded in', async () => {
    const shipment = await createShipment(handle);
    await markShipped(handle, {
      shipmentId: shipment.id,
      carrierCode: 'ups',
      trackingNumber: '1Z-REPO-1',
      scans: [
        {
          status: 'OUT_FOR_DELIVERY',
          description: 'Out for delivery',
          occurredAt: '2026-11-22T07:00:00.000Z',
        },
        {
          status: 'IN_TRANSIT',
          description: 'Departed facility',
          location: 'Louisville, KY, US',
          occurredAt: '2026-11-21T03:00:00.000Z',
        },
      ],
    });
    const events = await repository().findEventsByShipmentIds([shipment.id, 'not-a-uuid']);
    assert.deepEqual(
      events.map(({ shipmentId, status, description, location, occurredAt }) => ({
        shipmentId,
        status,
        description,
        location,
        occurredAt: occurredAt.toISOString(),
      })),
      [
        {
          shipmentId: shipment.id,
          status: 'IN_TRANSIT',
          description: 'Departed facility',
          location: 'Louisville, KY, US',
          occurredAt: '2026-11-21T03:00:00.000Z',
        },
        {
          shipmentId: shipment.id,
          status: 'OUT_FOR_DELIVERY',
          description: 'Out for delivery',
          location: null,
          occurredAt: '2026-11-22T07:00:00.000Z',
        },
      ],
    );
  });

  it('finds a shipment by carrier and tracking number, and nothing for another carrier', async () => {
    const shipment = await createShipment(handle);
    await markShipped(handle, {
      shipmentId: shipment.id,
      carrierCode: 'fedex',
      trackingNumber: '7777',
    });
    const found = await repository().findByTracking({
      carrierCode: 'fedex',
      trackingNumber: '7777',
    });
    assert.equal(found?.id, shipment.id);
    assert.equal(found?.trackingUrl, 'https://www.fedex.com/fedextrack/?trknbr=7777');
    assert.equal(
      await repository().findByTracking({ carrierCode: 'ups', trackingNumber: '7777' }),
      null,
    );
  });

  it('keeps a tracking number unique per carrier', async () => {
    const [a, b] = [await createShipment(handle), await createShipment(handle)];
    await markShipped(handle, { shipmentId: a!.id, carrierCode: 'dhl', trackingNumber: 'DUP-1' });
    await markShipped(handle, { shipmentId: b!.id, carrierCode: 'usps', trackingNumber: 'DUP-1' });
    await assert.rejects(
      markShipped(handle, { shipmentId: b!.id, carrierCode: 'dhl', trackingNumber: 'DUP-1' }),
    );
  });
});
