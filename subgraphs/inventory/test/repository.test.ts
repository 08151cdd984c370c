import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pgErrorCode, systemActor, type DatabaseHandle } from '@ordergraph/shared';
import { createTestDatabase } from '@ordergraph/shared/testing';
import type { StockMovementKind } from '../src/db/schema.js';
import { createInventoryRepository } from '../src/inventory.repository.js';
import { createLedgerRepository } from '../src/ledger.repository.js';
import { movement, type NewMovement } from '../src/ledger.js';
import { createReservationsRepository } from '../src/reservations.repository.js';
import { DEMO_WAREHOUSES, seedDemoData } from '../src/seed.js';
import { migrationsFolder } from '../src/server.js';

let handle: DatabaseHandle;
const inventory = () => createInventoryRepository({ db: handle.db });
const reservations = () => createReservationsRepository({ db: handle.db });
const ledger = () => createLedgerRepository({ db: handle.db });
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
      DEMO_WAREHOUSES.map(({ id, code, name, address, priority }) => ({
        id,
        code,
        name,
        city: address.city,
        country: address.country,
        priority,
      })),
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

const cause = (sku: string, warehouseId: string, quantity: number) => ({
  sku,
  warehouseId,
  quantity,
  reference: 'ref',
  actor: systemActor('tester'),
});
const apply = (...movements: NewMovement[]) =>
  handle.db.transaction((tx) => createLedgerRepository({ db: tx }).applyMovements(movements));

describe('stock levels', () => {
  it('creates a stock level on first receipt and adds to it afterwards', async () => {
    assert.equal(await inventory().isStocked('REPO-1'), false);
    const first = await apply(movement('RECEIPT', cause('REPO-1', 'wh-west', 5)));
    const second = await apply(movement('RECEIPT', cause('REPO-1', 'wh-west', 2)));
    assert.deepEqual(
      [first.levels, second.levels],
      [
        [
          {
            sku: 'REPO-1',
            warehouseId: 'wh-west',
            onHand: 5,
            reserved: 0,
            onHandChange: 5,
            reservedChange: 0,
            threshold: null,
          },
        ],
        [
          {
            sku: 'REPO-1',
            warehouseId: 'wh-west',
            onHand: 7,
            reserved: 0,
            onHandChange: 2,
            reservedChange: 0,
            threshold: null,
          },
        ],
      ],
    );
    assert.equal(await inventory().isStocked('REPO-1'), true);
  });

  it('returns the stock of several SKUs at once, highest-priority warehouse first', async () => {
    await apply(
      movement('RECEIPT', cause('REPO-2', 'wh-east', 3)),
      movement('RECEIPT', cause('REPO-1', 'wh-east', 1)),
    );
    const rows = await inventory().findStockBySkus(['REPO-2', 'REPO-1', 'REPO-NONE']);
    assert.deepEqual(
      rows.map(({ sku, warehouseId, onHand, lowStockThreshold }) => ({
        sku,
        warehouseId,
        onHand,
        lowStockThreshold,
      })),
      [
        { sku: 'REPO-1', warehouseId: 'wh-east', onHand: 1, lowStockThreshold: null },
        { sku: 'REPO-1', warehouseId: 'wh-west', onHand: 7, lowStockThreshold: null },
        { sku: 'REPO-2', warehouseId: 'wh-east', onHand: 3, lowStockThreshold: null },
      ],
    );
  });

  it('locks stock rows and reports what each warehouse holds and can still give', async () => {
    const locked = await handle.db.transaction((tx) =>
      createInventoryRepository({ db: tx }).lockStock(['REPO-2', 'REPO-1']),
    );
    const row = (sku: string, warehouseId: string, onHand: number) => ({
      sku,
      warehouseId,
      warehouseCode: warehouseId === 'wh-east' ? 'EAST' : 'WEST',
      priority: warehouseId === 'wh-east' ? 1 : 2,
      active: true,
      onHand,
      reserved: 0,
      available: onHand,
    });
    assert.deepEqual(locked, [
      row('REPO-1', 'wh-east', 1),
      row('REPO-1', 'wh-west', 7),
      row('REPO-2', 'wh-east', 3),
    ]);
  });

  it('applies reservations, releases and sales, netting a batch per level', async () => {
    const { levels: moved } = await apply(
      movement('RESERVATION', cause('REPO-2', 'wh-east', 3)),
      movement('RESERVATION', cause('REPO-1', 'wh-west', 4)),
      movement('RELEASE', cause('REPO-1', 'wh-west', 1)),
    );
    assert.deepEqual(
      moved.map(({ sku, reserved, reservedChange }) => ({ sku, reserved, reservedChange })),
      [
        { sku: 'REPO-1', reserved: 3, reservedChange: 3 },
        { sku: 'REPO-2', reserved: 3, reservedChange: 3 },
      ],
    );
    await apply(movement('SALE', cause('REPO-2', 'wh-east', 2)));
    assert.deepEqual(await levels('REPO-1'), [
      { warehouseId: 'wh-east', onHand: 1, reserved: 0 },
      { warehouseId: 'wh-west', onHand: 7, reserved: 3 },
    ]);
    assert.deepEqual(await levels('REPO-2'), [{ warehouseId: 'wh-east', onHand: 1, reserved: 1 }]);
  });

  it('refuses to reserve more than is on hand, at the database, and records nothing', async () => {
    await assert.rejects(
      apply(movement('RESERVATION', cause('REPO-1', 'wh-east', 2))),
      (error) => pgErrorCode(error) === '23514',
    );
    assert.deepEqual(await levels('REPO-1'), [
      { warehouseId: 'wh-east', onHand: 1, reserved: 0 },
      { warehouseId: 'wh-west', onHand: 7, reserved: 3 },
    ]);
  });

  it('keeps a threshold per SKU and warehouse and reports it with the level', async () => {
    assert.equal(await inventory().findThreshold({ sku: 'REPO-1', warehouseId: 'wh-west' }), null);
    for (const threshold of [2, 9]) {
      await inventory().saveThreshold({
        sku: 'REPO-1',
        warehouseId: 'wh-west',
        threshold,
        updatedBy: 'staff-1',
      });
    }
    const saved = await inventory().findThreshold({ sku: 'REPO-1', warehouseId: 'wh-west' });
    assert.deepEqual([saved?.threshold, saved?.updatedBy], [9, 'staff-1']);
    const rows = await inventory().findStockBySkus(['REPO-1']);
    assert.deepEqual(
      rows.map((row) => row.lowStockThreshold),
      [null, 9],
    );
    const { levels: moved } = await apply(movement('RELEASE', cause('REPO-1', 'wh-west', 1)));
    assert.equal(moved[0]?.threshold, 9);
  });

  it('claims a restocked return once per warehouse', async () => {
    const claim = (warehouseId: string, requestHash: string) =>
      inventory().claimReturnRestock({ returnId: 'ret-1', warehouseId, requestHash });
    assert.deepEqual(await claim('wh-east', 'h1'), { claimed: true, requestHash: 'h1' });
    assert.deepEqual(await claim('wh-east', 'h2'), { claimed: false, requestHash: 'h1' });
    assert.deepEqual(await claim('wh-west', 'h2'), { claimed: true, requestHash: 'h2' });
  });
});

describe('stock movements', () => {
  it('lists movements newest first, filtered, a page at a time', async () => {
    await apply(movement('RECEIPT', { ...cause('MOVE-1', 'wh-east', 5), reference: 'r1' }));
    await apply(movement('RESERVATION', { ...cause('MOVE-1', 'wh-east', 2), reference: 'o1' }));
    await apply(movement('RECEIPT', { ...cause('MOVE-1', 'wh-west', 1), reference: 'r2' }));
    const page = (
      after: { id: number } | null,
      filter: { warehouseId?: string; kind?: StockMovementKind } = {},
    ) =>
      ledger()
        .listMovements({ sku: 'MOVE-1', ...filter, limit: 2, after })
        .then((rows) =>
          rows.map(({ id, kind, quantity, onHandChange, reservedChange }) => ({
            id,
            kind,
            quantity,
            onHandChange,
            reservedChange,
          })),
        );
    const first = await page(null);
    assert.deepEqual(
      first.map(({ id: _id, ...row }) => row),
      [
        { kind: 'RECEIPT', quantity: 1, onHandChange: 1, reservedChange: 0 },
        { kind: 'RESERVATION', quantity: 2, onHandChange: 0, reservedChange: 2 },
      ],
    );
    const second = await page({ id: first[1]!.id });
    assert.deepEqual(
      second.map(({ kind, quantity }) => ({ kind, quantity })),
      [{ kind: 'RECEIPT', quantity: 5 }],
    );
    assert.deepEqual((await page(null, { warehouseId: 'wh-west' })).length, 1);
    assert.deepEqual(
      (await page(null, { kind: 'RECEIPT' })).map(({ quantity }) => quantity),
      [1, 5],
    );
    const found = await ledger().findMovementsByIds([first[0]!.id, 999_999]);
    assert.deepEqual(
      found.map(({ reference }) => reference),
      ['r2'],
    );
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
