import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inventoryEvents, type Viewer } from '@ordergraph/shared';
import { eventsOffContract, viewers } from '@ordergraph/shared/testing';
import {
  ADJUST,
  RELEASE,
  SET_THRESHOLD,
  eventsOfType,
  reserve,
  startTestbed,
  type Testbed,
} from './helpers.js';

let testbed: Testbed;
const bottle = 'BOTTLE-STEEL-500';
before(async () => {
  testbed = await startTestbed();
  await testbed.receive(bottle, 'wh-east', 12);
});
after(() => testbed.stop());

let keys = 0;
const setThreshold = (input: Record<string, unknown>, viewer: Viewer = viewers.staff()) =>
  testbed.request(SET_THRESHOLD, {
    viewer,
    variables: {
      input: { sku: bottle, warehouseId: 'wh-east', idempotencyKey: `thr-${++keys}`, ...input },
    },
  });
const stock = async (sku = bottle) =>
  (
    await testbed.request(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on ProductVariant {
        stock { warehouse { id } available lowStockThreshold isLow } } } }`,
      { variables: { r: [{ __typename: 'ProductVariant', sku }] } },
    )
  ).data?._entities[0].stock;
const lowAlerts = () => eventsOfType(testbed, 'stock.low');

describe('low stock', () => {
  it('uses the default threshold of 5 until one is set', async () => {
    assert.deepEqual(await stock(), [
      { warehouse: { id: 'wh-east' }, available: 12, lowStockThreshold: 5, isLow: false },
    ]);
  });

  it('sets a threshold per variant and warehouse (staff and admin)', async () => {
    const response = await setThreshold({ threshold: 8 });
    assert.deepEqual(response.data?.setLowStockThreshold, {
      __typename: 'SetLowStockThresholdSuccess',
      sku: bottle,
      warehouse: { id: 'wh-east' },
      threshold: 8,
      stockLevel: { available: 12, lowStockThreshold: 8, isLow: false },
    });
    const west = await setThreshold(
      { warehouseId: 'wh-west', threshold: 2 },
      viewers.withRoles('admin-1', ['admin']),
    );
    assert.deepEqual(west.data?.setLowStockThreshold, {
      __typename: 'SetLowStockThresholdSuccess',
      sku: bottle,
      warehouse: { id: 'wh-west' },
      threshold: 2,
      stockLevel: null,
    });
    assert.deepEqual(await eventsOfType(testbed, 'stock.low_threshold_set'), [
      { sku: bottle, warehouseId: 'wh-east', threshold: 8, previous: null },
      { sku: bottle, warehouseId: 'wh-west', threshold: 2, previous: null },
    ]);
  });

  it('raises stock.low once when available drops to the threshold, not on later drops', async () => {
    await reserve(testbed, 'order-a', [{ sku: bottle, quantity: 3 }]);
    assert.deepEqual(await lowAlerts(), []);
    await reserve(testbed, 'order-b', [{ sku: bottle, quantity: 1 }]);
    assert.deepEqual(await lowAlerts(), [
      { sku: bottle, warehouseId: 'wh-east', available: 8, threshold: 8 },
    ]);
    await reserve(testbed, 'order-c', [{ sku: bottle, quantity: 2 }]);
    assert.equal((await lowAlerts()).length, 1);
    assert.deepEqual(await stock(), [
      { warehouse: { id: 'wh-east' }, available: 6, lowStockThreshold: 8, isLow: true },
    ]);
  });

  it('raises it again after the stock recovered above the threshold and dropped again', async () => {
    await testbed.request(RELEASE, {
      viewer: viewers.service('orders'),
      variables: { input: { reservationId: 'order-a' } },
    });
    assert.equal((await lowAlerts()).length, 1);
    await testbed.request(ADJUST, {
      viewer: viewers.warehouse(),
      variables: {
        input: {
          sku: bottle,
          warehouseId: 'wh-east',
          delta: -2,
          reason: 'DAMAGED',
          idempotencyKey: 'dmg-1',
        },
      },
    });
    assert.deepEqual(await lowAlerts(), [
      { sku: bottle, warehouseId: 'wh-east', available: 8, threshold: 8 },
      { sku: bottle, warehouseId: 'wh-east', available: 7, threshold: 8 },
    ]);
  });

  it('raises stock.low when a new threshold reaches the available units, once', async () => {
    await testbed.receive('CAP-BASEBALL-NVY', 'wh-west', 6);
    const raise = (threshold: number) =>
      setThreshold({ sku: 'CAP-BASEBALL-NVY', warehouseId: 'wh-west', threshold });
    await raise(6);
    await raise(7);
    assert.deepEqual((await lowAlerts()).slice(2), [
      { sku: 'CAP-BASEBALL-NVY', warehouseId: 'wh-west', available: 6, threshold: 6 },
    ]);
    assert.deepEqual(await stock('CAP-BASEBALL-NVY'), [
      { warehouse: { id: 'wh-west' }, available: 6, lowStockThreshold: 7, isLow: true },
    ]);
  });

  it('returns UnknownSkuError and InvalidInputError, and changes nothing', async () => {
    const unknown = await setThreshold({ sku: 'NO-SUCH-SKU', threshold: 1 });
    assert.deepEqual(unknown.data?.setLowStockThreshold, {
      __typename: 'UnknownSkuError',
      message: 'No product variant has the SKU NO-SUCH-SKU.',
      sku: 'NO-SUCH-SKU',
    });
    const cases: [Record<string, unknown>, string, string][] = [
      [{ threshold: -1 }, 'threshold', 'threshold must be between 0 and 1000000.'],
      [{ threshold: 1_000_001 }, 'threshold', 'threshold must be between 0 and 1000000.'],
      [
        { threshold: 1, warehouseId: 'wh-nowhere' },
        'warehouseId',
        'No warehouse has the id wh-nowhere.',
      ],
      [
        { threshold: 1, idempotencyKey: '' },
        'idempotencyKey',
        'idempotencyKey must be 1 to 200 printable characters.',
      ],
    ];
    for (const [input, field, message] of cases) {
      const response = await setThreshold(input);
      assert.deepEqual(response.data?.setLowStockThreshold, {
        __typename: 'InvalidInputError',
        message,
        field,
      });
    }
    assert.equal((await stock())[0].lowStockThreshold, 8);
  });

  it('is FORBIDDEN for warehouse workers, customers, services and anonymous callers', async () => {
    for (const viewer of [
      viewers.warehouse(),
      viewers.customer('c-1'),
      viewers.service('orders'),
      viewers.anonymous(),
    ]) {
      const response = await setThreshold({ threshold: 0 }, viewer);
      assert.equal(response.data, null);
      assert.deepEqual(
        response.errors?.map((error) => error.extensions?.code),
        ['FORBIDDEN'],
      );
    }
    assert.equal((await stock())[0].lowStockThreshold, 8);
  });
});

describe('the inventory log', () => {
  it('holds only events its contract reads', async () => {
    assert.deepEqual(await eventsOffContract(testbed.inventory.handle.db, inventoryEvents), []);
  });
});
