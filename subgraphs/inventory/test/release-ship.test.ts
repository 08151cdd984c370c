import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inventoryEvents, readEvents } from '@ordergraph/shared';
import { eventsOffContract, racesNeedPostgres, viewers } from '@ordergraph/shared/testing';
import { RELEASE, SHIP, reserve, startTestbed, type Testbed } from './helpers.js';

let testbed: Testbed;
before(async () => {
  testbed = await startTestbed();
  await testbed.receive('TOTE-CANVAS-NAT', 'wh-east', 2);
  await testbed.receive('TOTE-CANVAS-NAT', 'wh-west', 5);
});
after(() => testbed.stop());

const asOrders = viewers.service('orders');
const release = (reservationId: string, viewer = asOrders) =>
  testbed.request(RELEASE, { viewer, variables: { input: { reservationId } } });
const ship = (reservationId: string, warehouseId: string) =>
  testbed.request(SHIP, {
    viewer: viewers.service('shipments'),
    variables: { input: { reservationId, warehouseId } },
  });
const eventTypes = async (reservationId: string) =>
  (
    await readEvents(testbed.inventory.handle.db, {
      streamType: 'reservation',
      streamId: reservationId,
    })
  ).map((event) => event.type);

describe('releaseReservation', () => {
  it('gives back what the reservation holds, once', async () => {
    await reserve(testbed, 'order-release', [{ sku: 'TOTE-CANVAS-NAT', quantity: 4 }]);
    assert.deepEqual(await testbed.levels('TOTE-CANVAS-NAT'), [
      { warehouseId: 'wh-east', onHand: 2, reserved: 0 },
      { warehouseId: 'wh-west', onHand: 5, reserved: 4 },
    ]);
    assert.deepEqual((await release('order-release')).data, { releaseReservation: true });
    assert.deepEqual((await release('order-release')).data, { releaseReservation: true });
    assert.deepEqual(await testbed.levels('TOTE-CANVAS-NAT'), [
      { warehouseId: 'wh-east', onHand: 2, reserved: 0 },
      { warehouseId: 'wh-west', onHand: 5, reserved: 0 },
    ]);
    assert.deepEqual(await eventTypes('order-release'), ['stock.reserved', 'stock.released']);
  });

  it('refuses to reserve again under a released id', async () => {
    const result = await reserve(testbed, 'order-release', [
      { sku: 'TOTE-CANVAS-NAT', quantity: 4 },
    ]);
    assert.deepEqual(result, {
      __typename: 'InvalidInputError',
      message: 'Reservation order-release was released; reserve under a new id.',
      field: 'reservationId',
    });
  });

  it('is true for an unknown id, and a reservation arriving after its release holds nothing', async () => {
    assert.deepEqual((await release('order-late')).data, { releaseReservation: true });
    const result = await reserve(testbed, 'order-late', [{ sku: 'TOTE-CANVAS-NAT', quantity: 1 }]);
    assert.equal(result?.__typename, 'InvalidInputError');
    assert.deepEqual(await testbed.levels('TOTE-CANVAS-NAT'), [
      { warehouseId: 'wh-east', onHand: 2, reserved: 0 },
      { warehouseId: 'wh-west', onHand: 5, reserved: 0 },
    ]);
  });

  it(
    'gives back everything when release and reservation race',
    { skip: racesNeedPostgres },
    async () => {
      const [reserved] = await Promise.all([
        reserve(testbed, 'order-racing', [{ sku: 'TOTE-CANVAS-NAT', quantity: 1 }]),
        release('order-racing'),
      ]);
      assert.ok(['ReserveStockSuccess', 'InvalidInputError'].includes(reserved?.__typename));
      assert.deepEqual((await release('order-racing')).data, { releaseReservation: true });
      assert.deepEqual(await testbed.levels('TOTE-CANVAS-NAT'), [
        { warehouseId: 'wh-east', onHand: 2, reserved: 0 },
        { warehouseId: 'wh-west', onHand: 5, reserved: 0 },
      ]);
    },
  );

  it('is FORBIDDEN for everyone but services', async () => {
    await reserve(testbed, 'order-kept', [{ sku: 'TOTE-CANVAS-NAT', quantity: 1 }]);
    for (const viewer of [viewers.staff(), viewers.warehouse(), viewers.anonymous()]) {
      const response = await release('order-kept', viewer);
      assert.equal(response.data, null);
      assert.equal(response.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    }
    assert.deepEqual(await eventTypes('order-kept'), ['stock.reserved']);
    await release('order-kept');
  });
});

describe('shipReservation', () => {
  it('turns the units held in one warehouse into a sale, once', async () => {
    await testbed.receive('TOTE-CANVAS-BLK', 'wh-east', 3);
    await testbed.receive('TOTE-CANVAS-BLK', 'wh-west', 3);
    const reserved = await reserve(testbed, 'order-ship', [
      { sku: 'TOTE-CANVAS-BLK', quantity: 5 },
    ]);
    assert.deepEqual(reserved?.allocations, [
      { sku: 'TOTE-CANVAS-BLK', warehouseId: 'wh-east', quantity: 3 },
      { sku: 'TOTE-CANVAS-BLK', warehouseId: 'wh-west', quantity: 2 },
    ]);
    assert.deepEqual((await ship('order-ship', 'wh-east')).data, { shipReservation: true });
    assert.deepEqual((await ship('order-ship', 'wh-east')).data, { shipReservation: true });
    assert.deepEqual(await testbed.levels('TOTE-CANVAS-BLK'), [
      { warehouseId: 'wh-east', onHand: 0, reserved: 0 },
      { warehouseId: 'wh-west', onHand: 3, reserved: 2 },
    ]);
  });

  it('leaves shipped units alone when the rest of the reservation is released', async () => {
    assert.deepEqual((await release('order-ship')).data, { releaseReservation: true });
    assert.deepEqual(await testbed.levels('TOTE-CANVAS-BLK'), [
      { warehouseId: 'wh-east', onHand: 0, reserved: 0 },
      { warehouseId: 'wh-west', onHand: 3, reserved: 0 },
    ]);
    assert.deepEqual((await ship('order-ship', 'wh-west')).data, { shipReservation: false });
    assert.deepEqual(await eventTypes('order-ship'), [
      'stock.reserved',
      'stock.sold',
      'stock.released',
    ]);
  });

  it('is false for an unknown reservation or a warehouse it holds nothing in', async () => {
    await reserve(testbed, 'order-west', [{ sku: 'TOTE-CANVAS-BLK', quantity: 1 }]);
    assert.deepEqual((await ship('order-nothing', 'wh-east')).data, { shipReservation: false });
    assert.deepEqual((await ship('order-west', 'wh-east')).data, { shipReservation: false });
  });

  it('records every change in the stock ledger', async () => {
    const response = await testbed.request(
      `{ stockMovements(sku: "TOTE-CANVAS-BLK", first: 10) {
        nodes { warehouse { id } kind quantity onHandChange reservedChange reference actor { kind id name } } } }`,
      { viewer: viewers.staff() },
    );
    const row = (
      warehouse: string,
      kind: string,
      quantity: number,
      [onHandChange, reservedChange]: [number, number],
      reference: string,
      actor: string,
    ) => ({
      warehouse: { id: warehouse },
      kind,
      quantity,
      onHandChange,
      reservedChange,
      reference,
      // the services act on their own; receipts were the warehouse worker's
      actor:
        actor === 'warehouse-1'
          ? { kind: 'WAREHOUSE', id: actor, name: null }
          : { kind: 'SYSTEM', id: actor, name: actor },
    });
    assert.deepEqual(response.data?.stockMovements.nodes, [
      row('wh-west', 'RESERVATION', 1, [0, 1], 'order-west', 'orders'),
      row('wh-west', 'RELEASE', 2, [0, -2], 'order-ship', 'orders'),
      row('wh-east', 'SALE', 3, [-3, -3], 'order-ship', 'shipments'),
      row('wh-west', 'RESERVATION', 2, [0, 2], 'order-ship', 'orders'),
      row('wh-east', 'RESERVATION', 3, [0, 3], 'order-ship', 'orders'),
      row('wh-west', 'RECEIPT', 3, [3, 0], 'setup-4', 'warehouse-1'),
      row('wh-east', 'RECEIPT', 3, [3, 0], 'setup-3', 'warehouse-1'),
    ]);
  });
});

describe('the inventory log', () => {
  it('holds only events its contract reads', async () => {
    assert.deepEqual(await eventsOffContract(testbed.inventory.handle.db, inventoryEvents), []);
  });
});
