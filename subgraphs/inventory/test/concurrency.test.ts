import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readEvents } from '@ordergraph/shared';
import { racesNeedPostgres, testDatabaseKind } from '@ordergraph/shared/testing';
import { reserve, startTestbed, type Testbed } from './helpers.js';

let testbed: Testbed;
before(async () => {
  testbed = await startTestbed();
});
after(() => testbed.stop());

const available = async (sku: string) => {
  const response = await testbed.request(
    `query($r: [_Any!]!) { _entities(representations: $r) { ... on ProductVariant { available } } }`,
    { variables: { r: [{ __typename: 'ProductVariant', sku }] } },
  );
  return response.data?._entities[0].available;
};

describe(`concurrent reservations (${testDatabaseKind})`, { skip: racesNeedPostgres }, () => {
  it('sells the last 10 units exactly once to 50 concurrent buyers', async () => {
    await testbed.receive('JACKET-RAIN-YLW-M', 'wh-east', 6);
    await testbed.receive('JACKET-RAIN-YLW-M', 'wh-west', 4);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        reserve(testbed, `race-${index}`, [{ sku: 'JACKET-RAIN-YLW-M', quantity: 1 }]),
      ),
    );
    const succeeded = results.filter((result) => result?.__typename === 'ReserveStockSuccess');
    const refused = results.filter((result) => result?.__typename === 'InsufficientStockError');
    assert.equal(succeeded.length, 10);
    assert.equal(refused.length, 40);
    for (const result of refused) {
      assert.deepEqual(result, {
        __typename: 'InsufficientStockError',
        message: 'Only 0 of JACKET-RAIN-YLW-M available, 1 requested.',
        sku: 'JACKET-RAIN-YLW-M',
        requested: 1,
        available: 0,
      });
    }
    assert.deepEqual(await testbed.levels('JACKET-RAIN-YLW-M'), [
      { warehouseId: 'wh-east', onHand: 6, reserved: 6 },
      { warehouseId: 'wh-west', onHand: 4, reserved: 4 },
    ]);
    assert.equal(await available('JACKET-RAIN-YLW-M'), 0);
    const reserved = (await readEvents(testbed.inventory.handle.db, { limit: 1000 })).filter(
      (event) => event.type === 'stock.reserved',
    );
    assert.equal(reserved.length, 10);
  });

  it('reserves once when the same reservation id races', async () => {
    await testbed.receive('JACKET-RAIN-YLW-L', 'wh-west', 5);
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        reserve(testbed, 'race-same', [{ sku: 'JACKET-RAIN-YLW-L', quantity: 3 }]),
      ),
    );
    for (const result of results) {
      assert.deepEqual(result, {
        __typename: 'ReserveStockSuccess',
        reservationId: 'race-same',
        allocations: [{ sku: 'JACKET-RAIN-YLW-L', warehouseId: 'wh-west', quantity: 3 }],
      });
    }
    assert.deepEqual(await testbed.levels('JACKET-RAIN-YLW-L'), [
      { warehouseId: 'wh-west', onHand: 5, reserved: 3 },
    ]);
  });

  it('neither deadlocks nor oversells when baskets name the same SKUs in opposite orders', async () => {
    const [a, b] = ['BOTTLE-STEEL-500', 'BOTTLE-STEEL-750'];
    for (const sku of [a, b]) {
      await testbed.receive(sku, 'wh-east', 10);
      await testbed.receive(sku, 'wh-west', 10);
    }
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, index) =>
        reserve(
          testbed,
          `cross-${index}`,
          index % 2 === 0
            ? [
                { sku: a, quantity: 1 },
                { sku: b, quantity: 1 },
              ]
            : [
                { sku: b, quantity: 1 },
                { sku: a, quantity: 1 },
              ],
        ),
      ),
    );
    const succeeded = results.filter((result) => result?.__typename === 'ReserveStockSuccess');
    assert.equal(succeeded.length, 20);
    assert.equal(results.length - succeeded.length, 10);
    for (const sku of [a, b]) {
      assert.deepEqual(await testbed.levels(sku), [
        { warehouseId: 'wh-east', onHand: 10, reserved: 10 },
        { warehouseId: 'wh-west', onHand: 10, reserved: 10 },
      ]);
    }
  });
});
