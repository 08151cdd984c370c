import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { viewers } from '@ordergraph/shared/testing';
import { DEMO_WAREHOUSES } from '../src/seed.js';
import { DEMO_SKUS, startTestbed, type Testbed } from './helpers.js';

let testbed: Testbed;
const [tee, sweater, never] = ['TEE-CLASSIC-BLK-S', 'SWTR-MERINO-NVY-M', 'CANDLE-FIG'];

before(async () => {
  testbed = await startTestbed();
  await testbed.receive(tee, 'wh-west', 7);
  await testbed.receive(tee, 'wh-east', 3);
  await testbed.receive(sweater, 'wh-west', 2);
});
after(() => testbed.stop());

const variants = `query($r: [_Any!]!) { _entities(representations: $r) { ... on ProductVariant {
  sku available stock { warehouse { id code } onHand reserved available } } } }`;

describe('signed requests', () => {
  it('refuses an _entities call without the router signature and reads nothing', async () => {
    const response = await testbed.request(variants, {
      viewer: null,
      variables: { r: [{ __typename: 'ProductVariant', sku: tee }] },
    });
    assert.equal(response.status, 401);
    assert.equal(response.data, undefined);
    assert.deepEqual(response.errors?.[0]?.extensions, { code: 'UNAUTHENTICATED' });
  });
});

describe('ProductVariant entity', () => {
  it('adds stock per warehouse, highest priority first, and the total available', async () => {
    const response = await testbed.request(variants, {
      variables: {
        r: [
          { __typename: 'ProductVariant', sku: sweater },
          { __typename: 'ProductVariant', sku: tee },
        ],
      },
    });
    assert.deepEqual(response, {
      status: 200,
      data: {
        _entities: [
          {
            sku: sweater,
            available: 2,
            stock: [
              {
                warehouse: { id: 'wh-west', code: 'WEST' },
                onHand: 2,
                reserved: 0,
                available: 2,
              },
            ],
          },
          {
            sku: tee,
            available: 10,
            stock: [
              {
                warehouse: { id: 'wh-east', code: 'EAST' },
                onHand: 3,
                reserved: 0,
                available: 3,
              },
              {
                warehouse: { id: 'wh-west', code: 'WEST' },
                onHand: 7,
                reserved: 0,
                available: 7,
              },
            ],
          },
        ],
      },
    });
  });

  it('gives a never-stocked SKU no stock levels and nothing available', async () => {
    const response = await testbed.request(variants, {
      variables: { r: [{ __typename: 'ProductVariant', sku: never }] },
    });
    assert.deepEqual(response.data?._entities, [{ sku: never, available: 0, stock: [] }]);
  });

  it('counts reserved units out of what is available', async () => {
    const reserved = await testbed.request(
      `mutation { reserveStock(input: { reservationId: "entities-1", lines: [{ sku: "${tee}", quantity: 2 }] }) { __typename } }`,
      { viewer: viewers.service('orders') },
    );
    assert.deepEqual(reserved.data, { reserveStock: { __typename: 'ReserveStockSuccess' } });
    const response = await testbed.request(variants, {
      variables: { r: [{ __typename: 'ProductVariant', sku: tee }] },
    });
    assert.deepEqual(response.data?._entities, [
      {
        sku: tee,
        available: 8,
        stock: [
          { warehouse: { id: 'wh-east', code: 'EAST' }, onHand: 3, reserved: 2, available: 1 },
          { warehouse: { id: 'wh-west', code: 'WEST' }, onHand: 7, reserved: 0, available: 7 },
        ],
      },
    ]);
  });

  it('resolves 20 variants with as many SQL statements as one', async () => {
    for (const sku of DEMO_SKUS.slice(10, 20)) await testbed.receive(sku, 'wh-east', 1);
    const statements = async (skus: string[]) => {
      const before = testbed.inventory.handle.statements.count;
      const response = await testbed.request(variants, {
        variables: { r: skus.map((sku) => ({ __typename: 'ProductVariant', sku })) },
      });
      assert.equal(response.data?._entities.length, skus.length);
      return testbed.inventory.handle.statements.count - before;
    };
    const one = await statements([tee]);
    const twenty = await statements(DEMO_SKUS.slice(0, 20));
    assert.equal(one, 2);
    assert.equal(twenty, 2);
  });
});

describe('Warehouse entity and queries', () => {
  // the fields these queries ask for
  const [east, west] = DEMO_WAREHOUSES.map(({ id, code, name, address, priority }) => ({
    id,
    code,
    name,
    city: address.city,
    country: address.country,
    priority,
  }));

  it('resolves warehouse references in order, null for unknown ids', async () => {
    const response = await testbed.request(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Warehouse { id code name city country priority } } }`,
      {
        variables: {
          r: [
            { __typename: 'Warehouse', id: 'wh-west' },
            { __typename: 'Warehouse', id: 'wh-nowhere' },
            { __typename: 'Warehouse', id: 'wh-east' },
          ],
        },
      },
    );
    assert.deepEqual(response.data?._entities, [{ ...west }, null, { ...east }]);
  });

  it('lists the warehouses, highest priority first, to anyone', async () => {
    const response = await testbed.request('{ warehouses { id code name city country priority } }');
    assert.deepEqual(response.data, { warehouses: [{ ...east }, { ...west }] });
  });

  it('finds a warehouse by id, null when there is none', async () => {
    const response = await testbed.request(
      '{ east: warehouse(id: "wh-east") { code } none: warehouse(id: "wh-none") { code } }',
    );
    assert.deepEqual(response.data, { east: { code: 'EAST' }, none: null });
  });
});
