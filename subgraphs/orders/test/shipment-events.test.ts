import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { eq } from 'drizzle-orm';
import {
  readEvent,
  shipmentsEvents,
  type ConsumedEvent,
  type Database,
  type DatabaseHandle,
} from '@ordergraph/shared';
import { createTestDatabase, testLogger } from '@ordergraph/shared/testing';
import { startCaptureRunner } from '../src/lifecycle/capture-runner.js';
import { orders, paymentCaptures, type OrderRow } from '../src/db/schema.js';
import { createLifecycleRepository } from '../src/lifecycle/lifecycle.repository.js';
import { createOrdersRepository } from '../src/orders.repository.js';
import { createTestPaymentProvider } from '../src/payments/test-provider.js';
import { migrationsFolder } from '../src/server.js';
import { applyShipmentEvent } from '../src/lifecycle/shipment-events.js';
import { describeEvent } from '../src/lifecycle/timeline.js';
import { insertOrder, placedOrder } from './support.js';

let handle: DatabaseHandle;
const log = testLogger('orders');
let seq = 0;

before(async () => {
  handle = await createTestDatabase({ name: 'shipment_events', migrationsFolder });
});
after(() => handle.close());

const warehouseCodes = async (id: string) => ({ 'wh-east': 'EAST', 'wh-west': 'WEST' })[id] ?? id;

/** applies a shipments event as the consumer does: read through the contract, in a transaction of its own */
const apply = async (event: ConsumedEvent) => {
  const read = readEvent(shipmentsEvents, event);
  if (!read.ok) throw new Error(`the consumer would park it: ${read.reason}`);
  await handle.db.transaction((tx) =>
    applyShipmentEvent(read.event, tx as unknown as Database, { warehouseCodes, log }),
  );
};

function shipmentEvent(
  type: string,
  shipment: { id: string; orderId: string; warehouseId: string },
  extra: Record<string, unknown> = {},
): ConsumedEvent {
  const status = type === 'shipment.created' ? 'PENDING' : type.slice(9).toUpperCase();
  return {
    seq: ++seq,
    type,
    streamType: 'shipment',
    streamId: shipment.id,
    payload: {
      shipmentId: shipment.id,
      orderId: shipment.orderId,
      customerId: randomUUID(),
      warehouseId: shipment.warehouseId,
      status,
      previousStatus: null,
      ...(type === 'shipment.created' ? { lines: [] } : {}),
      ...extra,
    },
    occurredAt: new Date(),
  };
}

/** an order of two tees (EAST) and a mug (WEST), authorized by the test provider */
async function twoWarehouseOrder(): Promise<{ order: OrderRow; tee: string; mug: string }> {
  const payments = createTestPaymentProvider({ db: handle.db });
  const placed = placedOrder({
    lines: [
      { sku: 'TEE-1', quantity: 2, unitPrice: 2500 },
      { sku: 'MUG-1', quantity: 1, unitPrice: 1200 },
    ],
  });
  const authorization = await payments.authorize({
    token: 'tok_visa',
    amountMinor: placed.priced.total,
    currency: 'USD',
    idempotencyKey: placed.id,
  });
  assert.equal(authorization.status, 'authorized');
  if (authorization.status === 'authorized') {
    placed.payment.authorizationId = authorization.authorizationId;
  }
  const order = await insertOrder(handle, placed);
  const lines = await createOrdersRepository({ db: handle.db }).findLinesByOrderIds([order.id]);
  return { order, tee: lines[0]!.id, mug: lines[1]!.id };
}

const timeline = async (orderId: string) =>
  (await createOrdersRepository({ db: handle.db }).findEventsByOrderIds([orderId])).map(
    (event) => `${event.type}: ${describeEvent(event)}`,
  );

const orderRow = async (id: string) =>
  (await handle.db.select().from(orders).where(eq(orders.id, id)))[0]!;

describe('following the shipments feed', () => {
  it('records split shipments and moves the order and its timeline with every step, once', async () => {
    const { order, tee, mug } = await twoWarehouseOrder();
    const east = { id: randomUUID(), orderId: order.id, warehouseId: 'wh-east' };
    const west = { id: randomUUID(), orderId: order.id, warehouseId: 'wh-west' };
    const tracking = { carrierCode: 'UPS', trackingNumber: '1Z999AA10123456784' };
    await apply(
      shipmentEvent('shipment.created', east, {
        lines: [{ orderLineId: tee, sku: 'TEE-1', quantity: 2 }],
      }),
    );
    await apply(
      shipmentEvent('shipment.created', west, {
        lines: [{ orderLineId: mug, sku: 'MUG-1', quantity: 1 }],
      }),
    );
    await apply(shipmentEvent('shipment.picking', east));
    await apply(shipmentEvent('shipment.packed', east));
    const shipped = shipmentEvent('shipment.shipped', east, {
      ...tracking,
      lines: [{ orderLineId: tee, sku: 'TEE-1', quantity: 2 }],
    });
    await apply(shipped);
    await apply(shipped); // delivered twice by the feed: nothing more happens
    await apply(
      shipmentEvent('shipment.tracking_recorded', east, {
        status: 'SHIPPED',
        trackingStatus: 'SHIPPED',
      }),
    );
    assert.equal((await orderRow(order.id)).status, 'PARTIALLY_SHIPPED');

    await apply(shipmentEvent('shipment.picking', west));
    await apply(shipmentEvent('shipment.packed', west));
    await apply(
      shipmentEvent('shipment.shipped', west, {
        carrierCode: 'DHL',
        trackingNumber: 'JD0002',
        lines: [{ orderLineId: mug, sku: 'MUG-1', quantity: 1 }],
      }),
    );
    await apply(shipmentEvent('shipment.in_transit', east, { location: 'Memphis, TN' }));
    await apply(shipmentEvent('shipment.out_for_delivery', east));
    await apply(shipmentEvent('shipment.delivered', east));
    assert.equal((await orderRow(order.id)).status, 'SHIPPED');
    await apply(shipmentEvent('shipment.delivered', west));

    assert.deepEqual(await timeline(order.id), [
      'order.placed: Order OG-100001 placed',
      'payment.authorized: Payment of 67.00 USD authorized',
      'shipment.updated: Shipment from EAST is being prepared',
      'shipment.updated: Shipment from WEST is being prepared',
      'shipment.updated: Shipment from EAST is being picked',
      'order.status_changed: Order is now processing',
      'shipment.updated: Shipment from EAST is packed',
      'shipment.updated: Shipment from EAST shipped with UPS, tracking 1Z999AA10123456784',
      'order.status_changed: Order is now partially shipped',
      'shipment.updated: Shipment from WEST is being picked',
      'shipment.updated: Shipment from WEST is packed',
      'shipment.updated: Shipment from WEST shipped with DHL, tracking JD0002',
      'order.status_changed: Order is now shipped',
      'shipment.updated: In transit (Memphis, TN)',
      'shipment.updated: Out for delivery',
      'shipment.updated: Delivered',
      'shipment.updated: Delivered',
      'order.status_changed: Order is now delivered',
    ]);
    const repository = createLifecycleRepository({ db: handle.db });
    // created in one millisecond, two rows may come in either order
    const isEast = (row: { id?: string; shipmentId?: string }) =>
      Number((row.shipmentId ?? row.id) === east.id);
    const eastFirst = <T extends { id?: string; shipmentId?: string }>(rows: T[]) =>
      rows.sort((a, b) => isEast(b) - isEast(a));
    const shipments = eastFirst(await repository.findShipmentsByOrderIds([order.id]));
    assert.deepEqual(
      shipments.map(({ id, warehouseCode, status, carrierCode, trackingNumber }) => ({
        id,
        warehouseCode,
        status,
        carrierCode,
        trackingNumber,
      })),
      [
        { id: east.id, warehouseCode: 'EAST', status: 'DELIVERED', ...tracking },
        {
          id: west.id,
          warehouseCode: 'WEST',
          status: 'DELIVERED',
          carrierCode: 'DHL',
          trackingNumber: 'JD0002',
        },
      ],
    );
    // the tees are 50.00 of 62.00 of goods; the order is 67.00: 5000 * 6700 / 6200 = 5403.22...
    const captures = eastFirst(await repository.findCapturesByOrderIds([order.id]));
    assert.deepEqual(
      captures.map(({ shipmentId, amount, status }) => ({ shipmentId, amount, status })),
      [
        { shipmentId: east.id, amount: 5403, status: 'PENDING' },
        { shipmentId: west.id, amount: 1297, status: 'PENDING' },
      ],
    );

    // the capture runner takes them through the provider, outside the consumer's transaction
    const runner = await startCaptureRunner({
      handle,
      payments: createTestPaymentProvider({ db: handle.db }),
      log,
    });
    await runner.settled();
    await runner.stop();
    const settled = eastFirst(
      await handle.db.select().from(paymentCaptures).where(eq(paymentCaptures.orderId, order.id)),
    );
    assert.deepEqual(
      settled.map(({ status, providerCaptureId }) => [status, /^cap_/.test(providerCaptureId!)]),
      [
        ['CAPTURED', true],
        ['CAPTURED', true],
      ],
    );
    assert.equal((await orderRow(order.id)).paymentStatus, 'CAPTURED');
    assert.deepEqual((await timeline(order.id)).slice(-2), [
      'payment.captured: Payment of 54.03 USD captured',
      'payment.captured: Payment of 12.97 USD captured',
    ]);
  });

  it('leaves cancelled shipments out and keeps a cancelled order cancelled', async () => {
    const { order, tee } = await twoWarehouseOrder();
    await handle.db.update(orders).set({ status: 'CANCELLED' }).where(eq(orders.id, order.id));
    const east = { id: randomUUID(), orderId: order.id, warehouseId: 'wh-east' };
    await apply(
      shipmentEvent('shipment.created', east, {
        lines: [{ orderLineId: tee, sku: 'TEE-1', quantity: 2 }],
      }),
    );
    await apply(shipmentEvent('shipment.cancelled', east));
    assert.equal((await orderRow(order.id)).status, 'CANCELLED');
    assert.deepEqual((await timeline(order.id)).slice(2), [
      'shipment.updated: Shipment from EAST is being prepared',
      'shipment.updated: Shipment from EAST cancelled',
    ]);
  });

  it('skips an event of an order it does not know, and events of other kinds', async () => {
    const stranger = { id: randomUUID(), orderId: randomUUID(), warehouseId: 'wh-east' };
    await apply(shipmentEvent('shipment.created', stranger));
    // the consumer parks what its producer's contract does not know
    assert.deepEqual(
      readEvent(shipmentsEvents, {
        ...shipmentEvent('shipment.created', stranger),
        type: 'carrier.added',
      }),
      { ok: false, reason: 'shipments declares no event carrier.added' },
    );
    const repository = createLifecycleRepository({ db: handle.db });
    assert.equal(await repository.findShipment(stranger.id), null);
  });
});
