import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readEvents } from '@ordergraph/shared';
import { viewers } from '@ordergraph/shared/testing';
import { RESERVE, reserve, startTestbed, type Testbed } from './helpers.js';

let testbed: Testbed;
before(async () => {
  testbed = await startTestbed();
});
after(() => testbed.stop());

const eventsOf = async (reservationId: string) =>
  (
    await readEvents(testbed.inventory.handle.db, {
      streamType: 'reservation',
      streamId: reservationId,
    })
  ).map(({ type, payload }) => ({ type, payload }));

describe('reserveStock allocation', () => {
  it('holds everything in the first warehouse that can fill every line', async () => {
    await testbed.receive('TEE-CLASSIC-BLK-S', 'wh-east', 5);
    await testbed.receive('TEE-CLASSIC-BLK-S', 'wh-west', 5);
    await testbed.receive('TEE-CLASSIC-BLK-M', 'wh-east', 1);
    await testbed.receive('TEE-CLASSIC-BLK-M', 'wh-west', 5);
    const result = await reserve(testbed, 'order-single', [
      { sku: 'TEE-CLASSIC-BLK-S', quantity: 2 },
      { sku: 'TEE-CLASSIC-BLK-M', quantity: 3 },
    ]);
    const allocations = [
      { sku: 'TEE-CLASSIC-BLK-S', warehouseId: 'wh-west', quantity: 2 },
      { sku: 'TEE-CLASSIC-BLK-M', warehouseId: 'wh-west', quantity: 3 },
    ];
    assert.deepEqual(result, {
      __typename: 'ReserveStockSuccess',
      reservationId: 'order-single',
      allocations,
    });
    assert.deepEqual(await testbed.levels('TEE-CLASSIC-BLK-S'), [
      { warehouseId: 'wh-east', onHand: 5, reserved: 0 },
      { warehouseId: 'wh-west', onHand: 5, reserved: 2 },
    ]);
    assert.deepEqual(await testbed.levels('TEE-CLASSIC-BLK-M'), [
      { warehouseId: 'wh-east', onHand: 1, reserved: 0 },
      { warehouseId: 'wh-west', onHand: 5, reserved: 3 },
    ]);
    assert.deepEqual(await eventsOf('order-single'), [
      { type: 'stock.reserved', payload: { reservationId: 'order-single', allocations } },
    ]);
  });

  it('splits lines across warehouses in priority order when no one warehouse has it all', async () => {
    await testbed.receive('TEE-CLASSIC-WHT-S', 'wh-east', 2);
    await testbed.receive('TEE-CLASSIC-WHT-S', 'wh-west', 3);
    await testbed.receive('TEE-CLASSIC-WHT-M', 'wh-east', 4);
    const result = await reserve(testbed, 'order-split', [
      { sku: 'tee-classic-wht-s', quantity: 3 },
      { sku: 'TEE-CLASSIC-WHT-M', quantity: 1 },
      { sku: 'TEE-CLASSIC-WHT-S', quantity: 1 },
    ]);
    assert.deepEqual(result, {
      __typename: 'ReserveStockSuccess',
      reservationId: 'order-split',
      allocations: [
        { sku: 'TEE-CLASSIC-WHT-S', warehouseId: 'wh-east', quantity: 2 },
        { sku: 'TEE-CLASSIC-WHT-S', warehouseId: 'wh-west', quantity: 2 },
        { sku: 'TEE-CLASSIC-WHT-M', warehouseId: 'wh-east', quantity: 1 },
      ],
    });
    assert.deepEqual(await testbed.levels('TEE-CLASSIC-WHT-S'), [
      { warehouseId: 'wh-east', onHand: 2, reserved: 2 },
      { warehouseId: 'wh-west', onHand: 3, reserved: 2 },
    ]);
  });
});

describe('reserveStock shortages', () => {
  it('returns InsufficientStockError and holds nothing when any line is short', async () => {
    await testbed.receive('HOODIE-EVERYDAY-BLK-M', 'wh-east', 1);
    await testbed.receive('HOODIE-EVERYDAY-BLK-M', 'wh-west', 1);
    await testbed.receive('HOODIE-EVERYDAY-BLK-L', 'wh-east', 5);
    const events = (await readEvents(testbed.inventory.handle.db, {})).length;
    const result = await reserve(testbed, 'order-short', [
      { sku: 'HOODIE-EVERYDAY-BLK-L', quantity: 2 },
      { sku: 'HOODIE-EVERYDAY-BLK-M', quantity: 3 },
    ]);
    assert.deepEqual(result, {
      __typename: 'InsufficientStockError',
      message: 'Only 2 of HOODIE-EVERYDAY-BLK-M available, 3 requested.',
      sku: 'HOODIE-EVERYDAY-BLK-M',
      requested: 3,
      available: 2,
    });
    assert.deepEqual(await testbed.levels('HOODIE-EVERYDAY-BLK-L'), [
      { warehouseId: 'wh-east', onHand: 5, reserved: 0 },
    ]);
    assert.deepEqual(await testbed.levels('HOODIE-EVERYDAY-BLK-M'), [
      { warehouseId: 'wh-east', onHand: 1, reserved: 0 },
      { warehouseId: 'wh-west', onHand: 1, reserved: 0 },
    ]);
    assert.equal((await readEvents(testbed.inventory.handle.db, {})).length, events);
  });

  it('leaves no trace of a short attempt: the same id can reserve once stock allows', async () => {
    const result = await reserve(testbed, 'order-short', [
      { sku: 'HOODIE-EVERYDAY-BLK-M', quantity: 2 },
    ]);
    assert.deepEqual(result, {
      __typename: 'ReserveStockSuccess',
      reservationId: 'order-short',
      allocations: [
        { sku: 'HOODIE-EVERYDAY-BLK-M', warehouseId: 'wh-east', quantity: 1 },
        { sku: 'HOODIE-EVERYDAY-BLK-M', warehouseId: 'wh-west', quantity: 1 },
      ],
    });
  });

  it('counts a SKU that was never stocked as none available', async () => {
    const result = await reserve(testbed, 'order-never', [{ sku: 'CANDLE-FIG', quantity: 1 }]);
    assert.deepEqual(result, {
      __typename: 'InsufficientStockError',
      message: 'Only 0 of CANDLE-FIG available, 1 requested.',
      sku: 'CANDLE-FIG',
      requested: 1,
      available: 0,
    });
  });
});

describe('reserveStock idempotency', () => {
  it('returns the first allocations for a repeated reservation id and holds nothing more', async () => {
    await testbed.receive('SOCKS-WOOL-M', 'wh-east', 10);
    const lines = [{ sku: 'SOCKS-WOOL-M', quantity: 4 }];
    const first = await reserve(testbed, 'order-repeat', lines);
    await testbed.receive('SOCKS-WOOL-M', 'wh-east', 10);
    const again = await reserve(testbed, 'order-repeat', [
      { sku: 'SOCKS-WOOL-M', quantity: 1 },
      { sku: 'socks-wool-m', quantity: 3 },
    ]);
    assert.deepEqual(again, first);
    assert.deepEqual(await testbed.levels('SOCKS-WOOL-M'), [
      { warehouseId: 'wh-east', onHand: 20, reserved: 4 },
    ]);
    assert.equal((await eventsOf('order-repeat')).length, 1);
  });

  it('refuses a known reservation id with other lines', async () => {
    const result = await reserve(testbed, 'order-repeat', [{ sku: 'SOCKS-WOOL-M', quantity: 5 }]);
    assert.deepEqual(result, {
      __typename: 'InvalidInputError',
      message: 'Reservation order-repeat already exists with other lines.',
      field: 'reservationId',
    });
  });
});

describe('reserveStock input and access', () => {
  it('returns InvalidInputError naming the field', async () => {
    const line = { sku: 'SOCKS-WOOL-L', quantity: 1 };
    const cases = [
      [' ', [line], 'reservationId', 'reservationId must not be empty.'],
      ['order-bad', [], 'lines', 'lines must hold 1 to 100 lines.'],
      ['order-bad', Array(101).fill(line), 'lines', 'lines must hold 1 to 100 lines.'],
      [
        'order-bad',
        [line, { ...line, quantity: 0 }],
        'lines.1.quantity',
        'quantity must be between 1 and 1000.',
      ],
      [
        'order-bad',
        [{ ...line, quantity: 1001 }],
        'lines.0.quantity',
        'quantity must be between 1 and 1000.',
      ],
      ['order-bad', [{ ...line, sku: '' }], 'lines.0.sku', 'lines.0.sku must not be empty.'],
    ] as const;
    for (const [reservationId, lines, field, message] of cases) {
      const result = await reserve(testbed, reservationId, [...lines]);
      assert.deepEqual(result, { __typename: 'InvalidInputError', message, field });
    }
  });

  it('is FORBIDDEN for everyone but services', async () => {
    const callers = [
      viewers.staff(),
      viewers.warehouse(),
      viewers.withRoles('admin-1', ['admin']),
      viewers.customer('00000000-0000-4000-8000-000000000001'),
      viewers.anonymous(),
    ];
    for (const viewer of callers) {
      const response = await testbed.request(RESERVE, {
        viewer,
        variables: {
          input: { reservationId: 'order-x', lines: [{ sku: 'SOCKS-WOOL-M', quantity: 1 }] },
        },
      });
      assert.equal(response.data, null);
      assert.equal(response.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    }
    assert.equal((await eventsOf('order-x')).length, 0);
  });
});
