import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inventoryEvents, type Viewer } from '@ordergraph/shared';
import { eventsOffContract, viewers } from '@ordergraph/shared/testing';
import { ADJUST, eventsOfType, reserve, startTestbed, type Testbed } from './helpers.js';

let testbed: Testbed;
const mug = 'MUG-CERAMIC-WHT';
before(async () => {
  testbed = await startTestbed();
  await testbed.receive(mug, 'wh-east', 10);
});
after(() => testbed.stop());

let keys = 0;
const adjust = (input: Record<string, unknown>, viewer: Viewer = viewers.warehouse()) =>
  testbed.request(ADJUST, {
    viewer,
    variables: {
      input: { sku: mug, warehouseId: 'wh-east', idempotencyKey: `adj-${++keys}`, ...input },
    },
  });

describe('adjustStock', () => {
  it('corrects the count and records an ADJUSTMENT with its reason, note and author', async () => {
    const response = await adjust({ delta: -3, reason: 'COUNT_CORRECTION', note: ' stock take ' });
    assert.deepEqual(response, {
      status: 200,
      data: {
        adjustStock: {
          __typename: 'AdjustStockSuccess',
          stockLevel: {
            sku: mug,
            warehouse: { id: 'wh-east' },
            onHand: 7,
            reserved: 0,
            available: 7,
          },
          movement: {
            kind: 'ADJUSTMENT',
            quantity: 3,
            onHandChange: -3,
            reservedChange: 0,
            reason: 'COUNT_CORRECTION',
            note: 'stock take',
            reference: `adj-${keys}`,
            actor: { kind: 'WAREHOUSE', id: 'warehouse-1', name: null },
          },
        },
      },
    });
    assert.deepEqual(await eventsOfType(testbed, 'stock.adjusted'), [
      {
        sku: mug,
        warehouseId: 'wh-east',
        delta: -3,
        reason: 'COUNT_CORRECTION',
        note: 'stock take',
        onHand: 7,
        reserved: 0,
      },
    ]);
  });

  it('writes damaged and lost units off', async () => {
    const response = await adjust({ delta: -1, reason: 'DAMAGED' }, viewers.staff());
    assert.deepEqual(response.data?.adjustStock.movement, {
      kind: 'WRITE_OFF',
      quantity: 1,
      onHandChange: -1,
      reservedChange: 0,
      reason: 'DAMAGED',
      note: null,
      reference: `adj-${keys}`,
      actor: { kind: 'STAFF', id: 'staff-1', name: null },
    });
    await adjust({ delta: -1, reason: 'LOST' }, viewers.withRoles('admin-1', ['admin']));
    assert.deepEqual(await eventsOfType(testbed, 'stock.written_off'), [
      {
        sku: mug,
        warehouseId: 'wh-east',
        quantity: 1,
        reason: 'DAMAGED',
        note: null,
        onHand: 6,
        reserved: 0,
      },
      {
        sku: mug,
        warehouseId: 'wh-east',
        quantity: 1,
        reason: 'LOST',
        note: null,
        onHand: 5,
        reserved: 0,
      },
    ]);
  });

  it('adds found units, creating the stock level in a new warehouse', async () => {
    const response = await adjust({ warehouseId: 'wh-west', delta: 2, reason: 'FOUND' });
    assert.deepEqual(response.data?.adjustStock.stockLevel, {
      sku: mug,
      warehouse: { id: 'wh-west' },
      onHand: 2,
      reserved: 0,
      available: 2,
    });
  });

  it('never takes away units held for orders', async () => {
    await reserve(testbed, 'order-held', [{ sku: mug, quantity: 4 }]);
    assert.deepEqual(await testbed.levels(mug), [
      { warehouseId: 'wh-east', onHand: 5, reserved: 4 },
      { warehouseId: 'wh-west', onHand: 2, reserved: 0 },
    ]);
    const response = await adjust({ delta: -2, reason: 'LOST' });
    assert.deepEqual(response.data?.adjustStock, {
      __typename: 'StockBelowReservedError',
      message:
        'Only 1 of MUG-CERAMIC-WHT can be removed from wh-east: 4 of the 5 on hand are reserved for orders.',
      sku: mug,
      warehouseId: 'wh-east',
      onHand: 5,
      reserved: 4,
    });
    const exact = await adjust({ delta: -1, reason: 'COUNT_CORRECTION' });
    assert.equal(exact.data?.adjustStock.stockLevel.available, 0);
    assert.deepEqual(await testbed.levels(mug), [
      { warehouseId: 'wh-east', onHand: 4, reserved: 4 },
      { warehouseId: 'wh-west', onHand: 2, reserved: 0 },
    ]);
  });

  it('refuses to remove stock from a warehouse that never held the SKU', async () => {
    await testbed.receive('CANDLE-CEDAR', 'wh-west', 1);
    const response = await adjust({ sku: 'CANDLE-CEDAR', delta: -1, reason: 'COUNT_CORRECTION' });
    assert.deepEqual(response.data?.adjustStock, {
      __typename: 'StockBelowReservedError',
      message:
        'Only 0 of CANDLE-CEDAR can be removed from wh-east: 0 of the 0 on hand are reserved for orders.',
      sku: 'CANDLE-CEDAR',
      warehouseId: 'wh-east',
      onHand: 0,
      reserved: 0,
    });
  });

  it('returns the first result for a repeated key and refuses the key with other input', async () => {
    const input = { delta: 1, reason: 'FOUND', idempotencyKey: 'adj-repeat' };
    const first = await adjust(input);
    const second = await adjust(input);
    assert.deepEqual(second, first);
    assert.equal(first.data?.adjustStock.stockLevel.onHand, 5);
    const other = await adjust({ ...input, delta: 2 });
    assert.deepEqual(other.data?.adjustStock, {
      __typename: 'InvalidInputError',
      message: 'This idempotencyKey was already used with a different input.',
      field: 'idempotencyKey',
    });
    assert.deepEqual((await testbed.levels(mug))[0], {
      warehouseId: 'wh-east',
      onHand: 5,
      reserved: 4,
    });
  });

  it('returns UnknownSkuError for a SKU the catalog does not have', async () => {
    const response = await adjust({ sku: 'NO-SUCH-SKU', delta: 1, reason: 'FOUND' });
    assert.deepEqual(response.data?.adjustStock, {
      __typename: 'UnknownSkuError',
      message: 'No product variant has the SKU NO-SUCH-SKU.',
      sku: 'NO-SUCH-SKU',
    });
  });

  it('returns InvalidInputError for bad input, naming the field', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [
        { delta: 0, reason: 'FOUND' },
        'delta',
        'delta must be a non-zero whole number between -1000000 and 1000000.',
      ],
      [
        { delta: 1_000_001, reason: 'FOUND' },
        'delta',
        'delta must be a non-zero whole number between -1000000 and 1000000.',
      ],
      [
        { delta: 1, reason: 'DAMAGED' },
        'delta',
        'DAMAGED units leave the stock: delta must be negative.',
      ],
      [
        { delta: 1, reason: 'LOST' },
        'delta',
        'LOST units leave the stock: delta must be negative.',
      ],
      [
        { delta: -1, reason: 'FOUND' },
        'delta',
        'FOUND units join the stock: delta must be positive.',
      ],
      [{ delta: 1, reason: 'OTHER', note: '  ' }, 'note', 'note must not be empty.'],
      [
        { delta: 1, reason: 'OTHER', note: 'x'.repeat(501) },
        'note',
        'note must be at most 500 characters.',
      ],
      [
        { delta: 1, reason: 'FOUND', warehouseId: 'wh-nowhere' },
        'warehouseId',
        'No warehouse has the id wh-nowhere.',
      ],
      [{ delta: 1, reason: 'FOUND', sku: ' ' }, 'sku', 'sku must not be empty.'],
      [
        { delta: 1, reason: 'FOUND', idempotencyKey: '' },
        'idempotencyKey',
        'idempotencyKey must be 1 to 200 printable characters.',
      ],
    ];
    for (const [input, field, message] of cases) {
      const response = await adjust(input);
      assert.deepEqual(response.data?.adjustStock, {
        __typename: 'InvalidInputError',
        message,
        field,
      });
    }
    assert.deepEqual((await testbed.levels(mug))[0], {
      warehouseId: 'wh-east',
      onHand: 5,
      reserved: 4,
    });
  });

  it('is FORBIDDEN for customers, carriers, services and anonymous callers', async () => {
    for (const viewer of [
      viewers.customer('c-1'),
      viewers.carrier('UPS'),
      viewers.service('orders'),
      viewers.anonymous(),
    ]) {
      const response = await adjust({ delta: 5, reason: 'FOUND' }, viewer);
      assert.equal(response.data, null);
      assert.deepEqual(
        response.errors?.map((error) => error.extensions?.code),
        ['FORBIDDEN'],
      );
    }
    assert.deepEqual((await testbed.levels(mug))[0], {
      warehouseId: 'wh-east',
      onHand: 5,
      reserved: 4,
    });
  });
});

describe('the inventory log', () => {
  it('holds only events its contract reads', async () => {
    assert.deepEqual(await eventsOffContract(testbed.inventory.handle.db, inventoryEvents), []);
  });
});
