import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readEvent, shipmentsEvents, type ConsumedEvent } from '@ordergraph/shared';
import { testLogger, viewers } from '@ordergraph/shared/testing';
import { handleShipmentEvent } from '../src/consumers.js';
import { eventsOfType, reserve, startTestbed, type Testbed } from './helpers.js';

let testbed: Testbed;
const [bottle, cap] = ['BOTTLE-STEEL-750', 'CAP-BASEBALL-NVY'];
before(async () => {
  testbed = await startTestbed();
  await testbed.receive(bottle, 'wh-east', 2);
  await testbed.receive(bottle, 'wh-west', 3);
  await testbed.receive(cap, 'wh-west', 1);
  // split across both warehouses: 2 bottles in the east, 2 bottles and the cap in the west
  await reserve(testbed, 'order-split', [
    { sku: bottle, quantity: 4 },
    { sku: cap, quantity: 1 },
  ]);
});
after(() => testbed.stop());

const log = testLogger('inventory-consumer');
const shipped = (payload: Record<string, unknown>, seq = 1): ConsumedEvent => ({
  seq,
  type: 'shipment.shipped',
  streamType: 'shipment',
  streamId: String(payload['shipmentId'] ?? 'shipment-x'),
  payload: { customerId: 'c-1', status: 'SHIPPED', previousStatus: 'PACKED', ...payload },
  occurredAt: new Date(),
});
const westShipped = shipped({
  shipmentId: 'shipment-west',
  orderId: 'order-split',
  customerId: 'c-1',
  warehouseId: 'wh-west',
  status: 'SHIPPED',
  previousStatus: 'PACKED',
  carrierCode: 'UPS',
  trackingNumber: '1Z999',
  lines: [
    { orderLineId: 'l-1', sku: bottle, quantity: 2 },
    { orderLineId: 'l-2', sku: cap, quantity: 1 },
  ],
});
/** handles an event as the consumer does: read through the contract, or parked with the reason */
const handle = async (event: ConsumedEvent): Promise<string | null> => {
  const read = readEvent(shipmentsEvents, event);
  if (!read.ok) return read.reason;
  await testbed.inventory.handle.db.transaction((tx) => handleShipmentEvent(read.event, tx, log));
  return null;
};
const sales = async () =>
  (
    await testbed.request(
      `{ stockMovements(kind: SALE) { nodes { sku warehouse { id } quantity onHandChange reservedChange reference actor { kind id name } } } }`,
      { viewer: viewers.staff() },
    )
  ).data?.stockMovements.nodes;

describe('the shipments consumer', () => {
  it('turns what the order holds in the shipping warehouse into a SALE, once', async () => {
    await handle(westShipped);
    await handle(westShipped);
    assert.deepEqual(await testbed.levels(bottle), [
      { warehouseId: 'wh-east', onHand: 2, reserved: 2 },
      { warehouseId: 'wh-west', onHand: 1, reserved: 0 },
    ]);
    assert.deepEqual(await testbed.levels(cap), [
      { warehouseId: 'wh-west', onHand: 0, reserved: 0 },
    ]);
    const sale = (sku: string, quantity: number) => ({
      sku,
      warehouse: { id: 'wh-west' },
      quantity,
      onHandChange: -quantity,
      reservedChange: -quantity,
      reference: 'order-split',
      actor: { kind: 'SYSTEM', id: 'shipments', name: 'shipments' },
    });
    assert.deepEqual(await sales(), [sale(cap, 1), sale(bottle, 2)]);
    assert.deepEqual(await eventsOfType(testbed, 'stock.sold'), [
      {
        reservationId: 'order-split',
        warehouseId: 'wh-west',
        shipmentId: 'shipment-west',
        allocations: [
          { sku: bottle, warehouseId: 'wh-west', quantity: 2 },
          { sku: cap, warehouseId: 'wh-west', quantity: 1 },
        ],
      },
    ]);
  });

  it('ignores other shipment events, malformed ones and orders holding nothing there', async () => {
    await handle({
      ...westShipped,
      type: 'shipment.packed',
      payload: { ...westShipped.payload, warehouseId: 'wh-east' },
    });
    // the consumer parks it: the handler never sees it
    assert.match(
      (await handle(shipped({ shipmentId: 's-bad', orderId: 'order-split' }))) ?? '',
      /warehouseId/,
    );
    await handle(
      shipped({ shipmentId: 's-none', orderId: 'order-unknown', warehouseId: 'wh-east' }),
    );
    assert.deepEqual(await testbed.levels(bottle), [
      { warehouseId: 'wh-east', onHand: 2, reserved: 2 },
      { warehouseId: 'wh-west', onHand: 1, reserved: 0 },
    ]);
    assert.equal((await sales()).length, 2);
  });

  it('sells the rest when the other warehouse ships, fulfilling the reservation', async () => {
    await handle(
      shipped({ shipmentId: 'shipment-east', orderId: 'order-split', warehouseId: 'wh-east' }),
    );
    assert.deepEqual(await testbed.levels(bottle), [
      { warehouseId: 'wh-east', onHand: 0, reserved: 0 },
      { warehouseId: 'wh-west', onHand: 1, reserved: 0 },
    ]);
    assert.equal((await eventsOfType(testbed, 'stock.sold')).length, 2);
  });
});
