import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pgErrorCode, type DatabaseHandle } from '@ordergraph/shared';
import { createTestDatabase } from '@ordergraph/shared/testing';
import { createInventoryRepository } from '../src/inventory.repository.js';
import { createReservationsRepository } from '../src/reservations.repository.js';
import { DEMO_WAREHOUSES, seedDemoData } from '../src/seed.js';
import { migrationsFolder } from '../src/server.js';

let handle: DatabaseHandle;
const inventory = () => createInventoryRepository({ db: handle.db });
const reservations = () => createReservationsRepository({ db: handle.db });
const levels = async (sku: string) =>
  (await inventory().findStockBySkus([sku])).map(({ warehouseId, onHand, reserved }) => ({
    warehouseId,
    onHand,
    reserved,
  }));

before(async () => {
  handle = await createTestDatabase({ name: 'inventory', migrationsFolder });
  await seedDemoData(handle);
});
after(() => handle.close());

describe('warehouses', () => {
  it('seeds the demo warehouses once and lists them by priority', async () => {
    await seedDemoData(handle);
    const rows = await inventory().listWarehouses();
    assert.deepEqual(
      rows.map(({ id, code, name, city, country, priority }) => ({
        id,
        code,
        name,
        city,
        country,
        priority,
      })),
      DEMO_WAREHOUSES,
    );
  });

  it('finds warehouses by id, ignoring unknown ids', async () => {
    const rows = await inventory().findWarehousesByIds(['wh-west', 'wh-nowhere']);
    assert.deepEqual(
      rows.map((row) => row.code),
      ['WEST'],
    );
    assert.deepEqual(await inventory().findWarehousesByIds([]), []);
  });
});

describe('stock levels', () => {
  it('creates a stock level on first receipt and adds to it afterwards', async () => {
    assert.equal(await inventory().isStocked('REPO-1'), false);
    const first = await inventory().receive({ sku: 'REPO-1', warehouseId: 'wh-west', quantity: 5 });
    const second = await inventory().receive({
      sku: 'REPO-1',
      warehouseId: 'wh-west',
      quantity: 2,
    });
    assert.deepEqual(
      [first, second].map(({ sku, warehouseId, onHand, reserved }) => ({
        sku,
        warehouseId,
        onHand,
        reserved,
      })),
      [
        { sku: 'REPO-1', warehouseId: 'wh-west', onHand: 5, reserved: 0 },
        { sku: 'REPO-1', warehouseId: 'wh-west', onHand: 7, reserved: 0 },
      ],
    );
    assert.equal(await inventory().isStocked('REPO-1'), true);
  });

  it('returns the stock of several SKUs at once, highest-priority warehouse first', async () => {
    await inventory().receive({ sku: 'REPO-1', warehouseId: 'wh-east', quantity: 1 });
    await inventory().receive({ sku: 'REPO-2', warehouseId: 'wh-east', quantity: 3 });
    const rows = await inventory().findStockBySkus(['REPO-2', 'REPO-1', 'REPO-NONE']);
    assert.deepEqual(
      rows.map(({ sku, warehouseId, onHand }) => ({ sku, warehouseId, onHand })),
      [
        { sku: 'REPO-1', warehouseId: 'wh-east', onHand: 1 },
        { sku: 'REPO-1', warehouseId: 'wh-west', onHand: 7 },
        { sku: 'REPO-2', warehouseId: 'wh-east', onHand: 3 },
      ],
    );
  });

  it('locks stock rows and reports what each warehouse can still give', async () => {
    const locked = await handle.db.transaction((tx) =>
      createInventoryRepository({ db: tx }).lockStock(['REPO-2', 'REPO-1']),
    );
    assert.deepEqual(locked, [
      { sku: 'REPO-1', warehouseId: 'wh-east', warehouseCode: 'EAST', priority: 1, available: 1 },
      { sku: 'REPO-1', warehouseId: 'wh-west', warehouseCode: 'WEST', priority: 2, available: 7 },
      { sku: 'REPO-2', warehouseId: 'wh-east', warehouseCode: 'EAST', priority: 1, available: 3 },
    ]);
  });

  it('raises and lowers reserved, and ships held units', async () => {
    await inventory().addReserved([
      { sku: 'REPO-1', warehouseId: 'wh-west', quantity: 4 },
      { sku: 'REPO-2', warehouseId: 'wh-east', quantity: 3 },
    ]);
    await inventory().addReserved([{ sku: 'REPO-1', warehouseId: 'wh-west', quantity: -1 }]);
    await inventory().removeShipped([{ sku: 'REPO-2', warehouseId: 'wh-east', quantity: 2 }]);
    assert.deepEqual(await levels('REPO-1'), [
      { warehouseId: 'wh-east', onHand: 1, reserved: 0 },
      { warehouseId: 'wh-west', onHand: 7, reserved: 3 },
    ]);
    assert.deepEqual(await levels('REPO-2'), [{ warehouseId: 'wh-east', onHand: 1, reserved: 1 }]);
  });

  it('refuses to reserve more than is on hand, at the database', async () => {
    await assert.rejects(
      inventory().addReserved([{ sku: 'REPO-1', warehouseId: 'wh-east', quantity: 2 }]),
      (error) => pgErrorCode(error) === '23514',
    );
    assert.deepEqual(await levels('REPO-1'), [
      { warehouseId: 'wh-east', onHand: 1, reserved: 0 },
      { warehouseId: 'wh-west', onHand: 7, reserved: 3 },
    ]);
  });
});

describe('stock movements', () => {
  it('lists movements newest first, filtered, a page at a time', async () => {
    await inventory().insertMovements([
      {
        sku: 'MOVE-1',
        warehouseId: 'wh-east',
        quantity: 5,
        kind: 'RECEIVED',
        reference: 'r1',
        actor: 'a',
      },
      {
        sku: 'MOVE-1',
        warehouseId: 'wh-east',
        quantity: 2,
        kind: 'RESERVED',
        reference: 'o1',
        actor: 'b',
      },
      {
        sku: 'MOVE-1',
        warehouseId: 'wh-west',
        quantity: 1,
        kind: 'RECEIVED',
        reference: 'r2',
        actor: 'a',
      },
    ]);
    const page = (after: { id: number } | null, warehouseId?: string) =>
      inventory()
        .listMovements({ sku: 'MOVE-1', warehouseId, limit: 2, after })
        .then((rows) => rows.map(({ id, kind, quantity }) => ({ id, kind, quantity })));
    const first = await page(null);
    assert.deepEqual(
      first.map(({ kind, quantity }) => ({ kind, quantity })),
      [
        { kind: 'RECEIVED', quantity: 1 },
        { kind: 'RESERVED', quantity: 2 },
      ],
    );
    const second = await page({ id: first[1]!.id });
    assert.deepEqual(
      second.map(({ kind, quantity }) => ({ kind, quantity })),
      [{ kind: 'RECEIVED', quantity: 5 }],
    );
    assert.deepEqual((await page(null, 'wh-west')).length, 1);
  });
});

describe('reservations', () => {
  it('claims a reservation id once', async () => {
    const claim = () =>
      reservations().claim({ id: 'order-1', status: 'ACTIVE', requestHash: 'h1' });
    assert.equal(await claim(), true);
    assert.equal(await claim(), false);
    const row = await reservations().findById('order-1');
    assert.deepEqual(
      { id: row?.id, status: row?.status, requestHash: row?.requestHash },
      { id: 'order-1', status: 'ACTIVE', requestHash: 'h1' },
    );
    assert.equal(await reservations().findById('order-unknown'), null);
  });

  it('keeps allocations in the order they were made and settles them', async () => {
    await reservations().insertAllocations('order-1', [
      { sku: 'REPO-2', warehouseId: 'wh-west', quantity: 1 },
      { sku: 'REPO-1', warehouseId: 'wh-west', quantity: 2 },
      { sku: 'REPO-1', warehouseId: 'wh-east', quantity: 1 },
    ]);
    await reservations().settleAllocations({
      reservationId: 'order-1',
      warehouseId: 'wh-east',
      status: 'SHIPPED',
    });
    await reservations().settleAllocations({ reservationId: 'order-1', status: 'RELEASED' });
    await reservations().setStatus('order-1', 'RELEASED');
    const rows = await reservations().findAllocations('order-1');
    assert.deepEqual(
      rows.map(({ sku, warehouseId, quantity, status }) => ({
        sku,
        warehouseId,
        quantity,
        status,
      })),
      [
        { sku: 'REPO-2', warehouseId: 'wh-west', quantity: 1, status: 'RELEASED' },
        { sku: 'REPO-1', warehouseId: 'wh-west', quantity: 2, status: 'RELEASED' },
        { sku: 'REPO-1', warehouseId: 'wh-east', quantity: 1, status: 'SHIPPED' },
      ],
    );
    assert.equal((await reservations().findById('order-1'))?.status, 'RELEASED');
  });
});
