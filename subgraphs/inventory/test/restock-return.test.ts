import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inventoryEvents, type Viewer } from '@ordergraph/shared';
import {
  eventsOffContract,
  racesNeedPostgres,
  viewers,
  type GraphQLResponse,
} from '@ordergraph/shared/testing';
import { RESTOCK, SHIP, eventsOfType, reserve, startTestbed, type Testbed } from './helpers.js';

let testbed: Testbed;
const [throwOat, throwSlate] = ['THROW-LINEN-OAT', 'THROW-LINEN-SLATE'];
before(async () => {
  testbed = await startTestbed();
  await testbed.receive(throwOat, 'wh-east', 4);
  await testbed.receive(throwSlate, 'wh-east', 2);
  // sell some, as a delivered order would have
  await reserve(testbed, 'order-sold', [
    { sku: throwOat, quantity: 3 },
    { sku: throwSlate, quantity: 2 },
  ]);
  await testbed.request(SHIP, {
    viewer: viewers.service('shipments'),
    variables: { input: { reservationId: 'order-sold', warehouseId: 'wh-east' } },
  });
});
after(() => testbed.stop());

const restock = (input: Record<string, unknown>, viewer: Viewer = viewers.service('orders')) =>
  testbed.request(RESTOCK, { viewer, variables: { input } });
const errorsOf = (response: GraphQLResponse) =>
  response.errors?.map(({ message, extensions }) => ({
    message,
    code: extensions?.['code'],
    field: extensions?.['field'],
  }));
const returnMovements = async () =>
  (
    await testbed.request(
      `{ stockMovements(kind: RETURN) { nodes { sku warehouse { id } kind quantity onHandChange reservedChange reference actor { kind id name } } } }`,
      { viewer: viewers.staff() },
    )
  ).data?.stockMovements.nodes;

describe('restockReturn', () => {
  it('puts returned units back on hand as RETURN movements, once per return and warehouse', async () => {
    const input = {
      returnId: 'return-1',
      warehouseId: 'wh-east',
      lines: [
        { sku: throwOat, quantity: 1 },
        { sku: throwSlate.toLowerCase(), quantity: 1 },
        { sku: throwOat, quantity: 1 },
      ],
    };
    assert.deepEqual(await restock(input), { status: 200, data: { restockReturn: true } });
    assert.deepEqual(await restock(input), { status: 200, data: { restockReturn: true } });
    assert.deepEqual(await testbed.levels(throwOat), [
      { warehouseId: 'wh-east', onHand: 3, reserved: 0 },
    ]);
    assert.deepEqual(await testbed.levels(throwSlate), [
      { warehouseId: 'wh-east', onHand: 1, reserved: 0 },
    ]);
    const movement = (sku: string, quantity: number) => ({
      sku,
      warehouse: { id: 'wh-east' },
      kind: 'RETURN',
      quantity,
      onHandChange: quantity,
      reservedChange: 0,
      reference: 'return-1',
      actor: { kind: 'SYSTEM', id: 'orders', name: 'orders' },
    });
    assert.deepEqual(await returnMovements(), [movement(throwSlate, 1), movement(throwOat, 2)]);
    assert.deepEqual(await eventsOfType(testbed, 'stock.returned'), [
      {
        returnId: 'return-1',
        sku: throwOat,
        warehouseId: 'wh-east',
        quantity: 2,
        onHand: 3,
        reserved: 0,
      },
      {
        returnId: 'return-1',
        sku: throwSlate,
        warehouseId: 'wh-east',
        quantity: 1,
        onHand: 1,
        reserved: 0,
      },
    ]);
  });

  it('restocks the same return into another warehouse, once however often it is asked', async () => {
    const input = {
      returnId: 'return-1',
      warehouseId: 'wh-west',
      lines: [{ sku: throwOat, quantity: 1 }],
    };
    for (let call = 0; call < 3; call++) {
      assert.deepEqual((await restock(input)).data, { restockReturn: true });
    }
    assert.deepEqual(await testbed.levels(throwOat), [
      { warehouseId: 'wh-east', onHand: 3, reserved: 0 },
      { warehouseId: 'wh-west', onHand: 1, reserved: 0 },
    ]);
  });

  it('refuses the same return and warehouse with other lines, changing nothing', async () => {
    const response = await restock({
      returnId: 'return-1',
      warehouseId: 'wh-east',
      lines: [{ sku: throwOat, quantity: 2 }],
    });
    assert.equal(response.data, null);
    assert.deepEqual(errorsOf(response), [
      {
        message: 'Return return-1 was already restocked in wh-east with other lines.',
        code: 'BAD_USER_INPUT',
        field: 'lines',
      },
    ]);
    assert.deepEqual((await testbed.levels(throwOat))[0], {
      warehouseId: 'wh-east',
      onHand: 3,
      reserved: 0,
    });
  });

  it('refuses bad input with BAD_USER_INPUT naming the field', async () => {
    const line = { sku: throwOat, quantity: 1 };
    const cases: [Record<string, unknown>, string, string][] = [
      [
        { returnId: ' ', warehouseId: 'wh-east', lines: [line] },
        'returnId',
        'returnId must not be empty.',
      ],
      [
        { returnId: 'r-2', warehouseId: 'wh-nowhere', lines: [line] },
        'warehouseId',
        'No warehouse has the id wh-nowhere.',
      ],
      [
        { returnId: 'r-2', warehouseId: 'wh-east', lines: [] },
        'lines',
        'lines must hold 1 to 100 lines.',
      ],
      [
        { returnId: 'r-2', warehouseId: 'wh-east', lines: [{ ...line, quantity: 0 }] },
        'lines.0.quantity',
        'quantity must be between 1 and 1000.',
      ],
      [
        {
          returnId: 'r-2',
          warehouseId: 'wh-east',
          lines: [line, { sku: 'CANDLE-FIG', quantity: 1 }],
        },
        'lines.1.sku',
        'CANDLE-FIG was never stocked, so it cannot be returned.',
      ],
    ];
    for (const [input, field, message] of cases) {
      const response = await restock(input);
      assert.deepEqual(errorsOf(response), [{ message, code: 'BAD_USER_INPUT', field }]);
    }
    assert.equal((await returnMovements()).length, 3);
  });

  it('is FORBIDDEN for everyone but services', async () => {
    const input = {
      returnId: 'return-9',
      warehouseId: 'wh-east',
      lines: [{ sku: throwOat, quantity: 1 }],
    };
    for (const viewer of [
      viewers.staff(),
      viewers.warehouse(),
      viewers.customer('c-1'),
      viewers.anonymous(),
    ]) {
      const response = await restock(input, viewer);
      assert.equal(response.data, null);
      assert.deepEqual(
        response.errors?.map((error) => error.extensions?.code),
        ['FORBIDDEN'],
      );
    }
    assert.equal((await returnMovements()).length, 3);
  });
});

describe('restockReturn under concurrency', () => {
  it('restocks concurrent twins once', { skip: racesNeedPostgres }, async () => {
    const movementsBefore = (await returnMovements()).length;
    const input = {
      returnId: 'return-twins',
      warehouseId: 'wh-west',
      lines: [{ sku: throwSlate, quantity: 1 }],
    };
    const results = await Promise.all([restock(input), restock(input), restock(input)]);
    assert.deepEqual(
      results.map((result) => result.data),
      [{ restockReturn: true }, { restockReturn: true }, { restockReturn: true }],
    );
    assert.deepEqual(await testbed.levels(throwSlate), [
      { warehouseId: 'wh-east', onHand: 1, reserved: 0 },
      { warehouseId: 'wh-west', onHand: 1, reserved: 0 },
    ]);
    assert.equal((await returnMovements()).length, movementsBefore + 1);
  });
});

describe('the inventory log', () => {
  it('holds only events its contract reads', async () => {
    assert.deepEqual(await eventsOffContract(testbed.inventory.handle.db, inventoryEvents), []);
  });
});
