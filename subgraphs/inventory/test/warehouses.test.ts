import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inventoryEvents, type Database } from '@ordergraph/shared';
import {
  eventsOffContract,
  racesNeedPostgres,
  someoneWaitsOnALock,
  viewers,
} from '@ordergraph/shared/testing';
import { deactivateWarehouse } from '../src/warehouse-admin.js';
import { createWarehousesRepository } from '../src/warehouses.repository.js';
import { eventsOfType, RECEIVE, reserve, startTestbed, type Testbed } from './helpers.js';

let testbed: Testbed;
before(async () => {
  testbed = await startTestbed();
});
after(() => testbed.stop());

const WAREHOUSE_FIELDS = `id code name priority active
  address { line1 line2 city region postalCode country }`;

const CREATE = `mutation($input: CreateWarehouseInput!) { createWarehouse(input: $input) {
  __typename
  ... on CreateWarehouseSuccess { warehouse { ${WAREHOUSE_FIELDS} } }
  ... on WarehouseCodeTakenError { message code field }
  ... on InvalidInputError { message field } } }`;

const UPDATE = `mutation($input: UpdateWarehouseInput!) { updateWarehouse(input: $input) {
  __typename
  ... on UpdateWarehouseSuccess { warehouse { ${WAREHOUSE_FIELDS} } }
  ... on InvalidInputError { message field } } }`;

const DEACTIVATE = `mutation($input: DeactivateWarehouseInput!) { deactivateWarehouse(input: $input) {
  __typename
  ... on DeactivateWarehouseSuccess { warehouse { id active } }
  ... on InvalidInputError { message field } } }`;

const address = {
  line1: '1 Dock Road',
  city: 'Columbus',
  region: 'OH',
  postalCode: '43215',
  country: 'us',
};

const create = (input: Record<string, unknown>, viewer = viewers.staff()) =>
  testbed.request(CREATE, { viewer, variables: { input } }).then((r) => r.data?.createWarehouse);
const update = (input: Record<string, unknown>, viewer = viewers.staff()) =>
  testbed.request(UPDATE, { viewer, variables: { input } }).then((r) => r.data?.updateWarehouse);
const deactivate = (input: Record<string, unknown>, viewer = viewers.staff()) =>
  testbed
    .request(DEACTIVATE, { viewer, variables: { input } })
    .then((r) => r.data?.deactivateWarehouse);

describe('createWarehouse', () => {
  it('creates a warehouse with a normalised code, its id made from it, and records the event', async () => {
    const result = await create({
      code: ' mid-1 ',
      name: ' Midwest Hub ',
      address,
      priority: 5,
      idempotencyKey: 'wh-create-1',
    });
    assert.deepEqual(result, {
      __typename: 'CreateWarehouseSuccess',
      warehouse: {
        id: 'wh-mid-1',
        code: 'MID-1',
        name: 'Midwest Hub',
        priority: 5,
        active: true,
        address: { ...address, line2: null, country: 'US' },
      },
    });
    const events = await eventsOfType(testbed, 'warehouse.created');
    assert.deepEqual(
      events.map((payload) => [payload['id'], payload['code'], payload['active']]),
      [
        ['wh-east', 'EAST', true],
        ['wh-west', 'WEST', true],
        ['wh-mid-1', 'MID-1', true],
      ],
    );
  });

  it('returns the first result for a repeated key and refuses the key with another input', async () => {
    const input = {
      code: 'MID-1',
      name: 'Midwest Hub',
      address,
      priority: 5,
      idempotencyKey: 'wh-create-1',
    };
    const repeated = await create({
      code: ' mid-1 ',
      name: ' Midwest Hub ',
      address,
      priority: 5,
      idempotencyKey: 'wh-create-1',
    });
    assert.equal(repeated?.__typename, 'CreateWarehouseSuccess');
    assert.equal(repeated?.warehouse.id, 'wh-mid-1');
    assert.equal((await eventsOfType(testbed, 'warehouse.created')).length, 3);
    const other = await create({ ...input, code: 'OTHER', idempotencyKey: 'wh-create-1' });
    assert.deepEqual(other, {
      __typename: 'InvalidInputError',
      message: 'This idempotencyKey was already used with a different input.',
      field: 'idempotencyKey',
    });
  });

  it('refuses a taken code, whatever its case, and writes nothing', async () => {
    const result = await create({
      code: 'east',
      name: 'Another East',
      address,
      idempotencyKey: 'wh-create-dup',
    });
    assert.deepEqual(result, {
      __typename: 'WarehouseCodeTakenError',
      message: 'A warehouse already has the code EAST.',
      code: 'EAST',
      field: 'code',
    });
    const listed = await testbed.request('{ warehouses { code name } }');
    assert.equal(
      listed.data?.warehouses.filter((w: { code: string }) => w.code === 'EAST').length,
      1,
    );
    assert.equal((await eventsOfType(testbed, 'warehouse.created')).length, 3);
  });

  it('names the field at fault for bad input', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ code: 'a b' }, 'code'],
      [{ code: 'X' }, 'code'],
      [{ name: '  ' }, 'name'],
      [{ address: { ...address, line1: '' } }, 'address.line1'],
      [{ address: { ...address, postalCode: '' } }, 'address.postalCode'],
      [{ address: { ...address, country: 'USA' } }, 'address.country'],
      [{ priority: -1 }, 'priority'],
      [{ priority: 1001 }, 'priority'],
      [{ idempotencyKey: '' }, 'idempotencyKey'],
    ];
    for (const [change, field] of cases) {
      const result = await create({
        code: 'BAD',
        name: 'Bad',
        address,
        idempotencyKey: `wh-bad-${field}`,
        ...change,
      });
      assert.equal(result?.__typename, 'InvalidInputError', JSON.stringify(change));
      assert.equal(result?.field, field, JSON.stringify(change));
    }
    const listed = await testbed.request('{ warehouses { code } }');
    assert.ok(!listed.data?.warehouses.some((w: { code: string }) => w.code === 'BAD'));
  });

  it('is for staff and admins only', async () => {
    for (const viewer of [
      viewers.warehouse(),
      viewers.customer('00000000-0000-4000-8000-000000000001'),
      viewers.anonymous(),
    ]) {
      const response = await testbed.request(CREATE, {
        viewer,
        variables: { input: { code: 'NOPE', name: 'Nope', address, idempotencyKey: 'wh-no' } },
      });
      assert.equal(response.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');
    }
    const admin = await create(
      { code: 'ADMIN-MADE', name: 'Admin Made', address, idempotencyKey: 'wh-admin' },
      viewers.withRoles('admin-1', ['admin']),
    );
    assert.equal(admin?.__typename, 'CreateWarehouseSuccess');
  });
});

describe('updateWarehouse', () => {
  it('changes only the fields given, and records which', async () => {
    const result = await update({
      warehouseId: 'wh-mid-1',
      name: 'Midwest Hub 2',
      priority: 7,
      idempotencyKey: 'wh-update-1',
    });
    assert.deepEqual(result, {
      __typename: 'UpdateWarehouseSuccess',
      warehouse: {
        id: 'wh-mid-1',
        code: 'MID-1',
        name: 'Midwest Hub 2',
        priority: 7,
        active: true,
        address: { ...address, line2: null, country: 'US' },
      },
    });
    const repeated = await update({
      warehouseId: 'wh-mid-1',
      name: 'Midwest Hub 2',
      priority: 7,
      idempotencyKey: 'wh-update-1',
    });
    assert.deepEqual(repeated, result);
    const events = await eventsOfType(testbed, 'warehouse.updated');
    assert.deepEqual(
      events.map((payload) => payload['changed']),
      [['name', 'priority']],
    );
  });

  it('refuses an unknown warehouse, an empty change and bad values with their field', async () => {
    assert.deepEqual(
      await update({ warehouseId: 'wh-nowhere', name: 'X', idempotencyKey: 'wh-update-2' }),
      {
        __typename: 'InvalidInputError',
        message: 'No warehouse has the id wh-nowhere.',
        field: 'warehouseId',
      },
    );
    assert.equal(
      (await update({ warehouseId: 'wh-mid-1', idempotencyKey: 'wh-update-3' }))?.field,
      'input',
    );
    assert.equal(
      (
        await update({
          warehouseId: 'wh-mid-1',
          address: { ...address, city: '' },
          idempotencyKey: 'wh-update-4',
        })
      )?.field,
      'address.city',
    );
    assert.equal((await eventsOfType(testbed, 'warehouse.updated')).length, 1);
  });

  it('is for staff and admins only', async () => {
    const response = await testbed.request(UPDATE, {
      viewer: viewers.warehouse(),
      variables: { input: { warehouseId: 'wh-mid-1', name: 'Y', idempotencyKey: 'wh-u-no' } },
    });
    assert.equal(response.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');
  });
});

describe('deactivating a warehouse', () => {
  const SKU = 'CANDLE-FIG';

  it('allocates by priority, skips an inactive warehouse, refuses its receipts and keeps its stock', async () => {
    for (const [code, priority] of [
      ['NORTH', 3],
      ['SOUTH', 4],
    ] as const) {
      await create({ code, name: code, address, priority, idempotencyKey: `wh-${code}` });
    }
    await testbed.receive(SKU, 'wh-north', 5);
    await testbed.receive(SKU, 'wh-south', 5);

    // priority decides: NORTH (3) before SOUTH (4), until SOUTH is made first
    const first = await reserve(testbed, 'res-wh-1', [{ sku: SKU, quantity: 1 }]);
    assert.deepEqual(first?.allocations, [{ sku: SKU, warehouseId: 'wh-north', quantity: 1 }]);
    await update({ warehouseId: 'wh-south', priority: 2, idempotencyKey: 'wh-south-first' });
    const second = await reserve(testbed, 'res-wh-2', [{ sku: SKU, quantity: 1 }]);
    assert.deepEqual(second?.allocations, [{ sku: SKU, warehouseId: 'wh-south', quantity: 1 }]);

    const result = await deactivate({ warehouseId: 'wh-south', idempotencyKey: 'wh-off-1' });
    assert.deepEqual(result, {
      __typename: 'DeactivateWarehouseSuccess',
      warehouse: { id: 'wh-south', active: false },
    });
    // a repeat, under another key too, changes nothing more
    await deactivate({ warehouseId: 'wh-south', idempotencyKey: 'wh-off-1' });
    await deactivate({ warehouseId: 'wh-south', idempotencyKey: 'wh-off-2' });
    assert.equal((await eventsOfType(testbed, 'warehouse.deactivated')).length, 1);

    const third = await reserve(testbed, 'res-wh-3', [{ sku: SKU, quantity: 2 }]);
    assert.deepEqual(third?.allocations, [{ sku: SKU, warehouseId: 'wh-north', quantity: 2 }]);
    // SOUTH's 4 available units are not for sale while it is inactive
    const short = await reserve(testbed, 'res-wh-4', [{ sku: SKU, quantity: 3 }]);
    assert.deepEqual(short, {
      __typename: 'InsufficientStockError',
      message: short?.message,
      sku: SKU,
      requested: 3,
      available: 2,
    });
    const variant = await testbed.request(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on ProductVariant { available stock { warehouse { code active } onHand } } } }`,
      { variables: { r: [{ __typename: 'ProductVariant', sku: SKU }] } },
    );
    assert.deepEqual(variant.data?._entities, [
      {
        available: 2,
        stock: [
          { warehouse: { code: 'SOUTH', active: false }, onHand: 5 },
          { warehouse: { code: 'NORTH', active: true }, onHand: 5 },
        ],
      },
    ]);

    const receipt = await testbed.request(RECEIVE, {
      viewer: viewers.warehouse(),
      variables: {
        input: { sku: SKU, warehouseId: 'wh-south', quantity: 1, idempotencyKey: 'wh-rcv-off' },
      },
    });
    assert.deepEqual(receipt.data?.receiveStock, {
      __typename: 'InvalidInputError',
      message:
        'Warehouse SOUTH is inactive: it keeps its stock but takes no receipts. Reactivate it with updateWarehouse first.',
      field: 'warehouseId',
    });
    assert.deepEqual(
      (await testbed.levels(SKU)).find((level) => level.warehouseId === 'wh-south'),
      { warehouseId: 'wh-south', onHand: 5, reserved: 1 },
    );

    const inactive = await testbed.request('{ warehouses(active: false) { code } }');
    assert.deepEqual(inactive.data, { warehouses: [{ code: 'SOUTH' }] });

    // back in service, it is allocated and receives again
    await update({ warehouseId: 'wh-south', active: true, idempotencyKey: 'wh-on' });
    const fourth = await reserve(testbed, 'res-wh-5', [{ sku: SKU, quantity: 1 }]);
    assert.deepEqual(fourth?.allocations, [{ sku: SKU, warehouseId: 'wh-south', quantity: 1 }]);
    await testbed.receive(SKU, 'wh-south', 1);
  });

  it('refuses an unknown warehouse and non-staff callers', async () => {
    assert.deepEqual(await deactivate({ warehouseId: 'wh-nowhere', idempotencyKey: 'wh-off-3' }), {
      __typename: 'InvalidInputError',
      message: 'No warehouse has the id wh-nowhere.',
      field: 'warehouseId',
    });
    const response = await testbed.request(DEACTIVATE, {
      viewer: viewers.warehouse(),
      variables: { input: { warehouseId: 'wh-east', idempotencyKey: 'wh-off-4' } },
    });
    assert.equal(response.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');
  });
});

describe('a receipt racing the deactivation of its warehouse', { skip: racesNeedPostgres }, () => {
  const SKU = 'CANDLE-FIG';

  /**
   * runs `hold` in a transaction that keeps its locks until `release()` is called, then runs
   * `last` in the same transaction and commits
   */
  function holdLocks(
    hold: (tx: Database) => Promise<unknown>,
    last: (tx: Database) => Promise<unknown> = async () => {},
  ) {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let held!: () => void;
    const holding = new Promise<void>((resolve) => (held = resolve));
    const done = testbed.inventory.handle.db.transaction(async (transaction) => {
      const tx = transaction as unknown as Database;
      await hold(tx);
      held();
      await released;
      await last(tx);
    });
    return { holding, release, done };
  }

  const receipt = (warehouseId: string, idempotencyKey: string) =>
    testbed.request(RECEIVE, {
      viewer: viewers.warehouse(),
      variables: { input: { sku: SKU, warehouseId, quantity: 2, idempotencyKey } },
    });

  it('refuses a receipt that waited on a deactivation under way, receiving nothing', async () => {
    await create({ code: 'race-a', name: 'Race A', address, idempotencyKey: 'wh-race-a' });
    await testbed.receive(SKU, 'wh-race-a', 1);
    // the deactivation has locked its warehouse and not committed yet
    const deactivation = holdLocks(
      (tx) => createWarehousesRepository({ db: tx }).lock('wh-race-a'),
      (tx) => deactivateWarehouse(tx, { warehouseId: 'wh-race-a' }),
    );
    await deactivation.holding;
    let received = false;
    const receiving = receipt('wh-race-a', 'wh-race-rcv-a').finally(() => (received = true));
    await someoneWaitsOnALock(testbed.inventory.handle.db, {
      what: 'the receipt',
      unless: () => received,
    });
    deactivation.release();
    await deactivation.done;

    assert.deepEqual((await receiving).data?.receiveStock, {
      __typename: 'InvalidInputError',
      message:
        'Warehouse RACE-A is inactive: it keeps its stock but takes no receipts. Reactivate it with updateWarehouse first.',
      field: 'warehouseId',
    });
    assert.deepEqual(
      (await testbed.levels(SKU)).find((level) => level.warehouseId === 'wh-race-a'),
      { warehouseId: 'wh-race-a', onHand: 1, reserved: 0 },
    );
  });

  it('makes a deactivation wait for a receipt under way', async () => {
    await create({ code: 'race-b', name: 'Race B', address, idempotencyKey: 'wh-race-b' });
    // a receipt holds the share lock on its warehouse until it commits
    const receiving = holdLocks((tx) =>
      createWarehousesRepository({ db: tx }).lockShared('wh-race-b'),
    );
    await receiving.holding;
    let deactivated = false;
    const deactivation = deactivate({
      warehouseId: 'wh-race-b',
      idempotencyKey: 'wh-race-off-b',
    }).finally(() => (deactivated = true));
    await someoneWaitsOnALock(testbed.inventory.handle.db, {
      what: 'the deactivation',
      unless: () => deactivated,
    });
    assert.equal(deactivated, false, 'the deactivation went ahead of the receipt under way');
    receiving.release();
    await receiving.done;
    assert.deepEqual(await deactivation, {
      __typename: 'DeactivateWarehouseSuccess',
      warehouse: { id: 'wh-race-b', active: false },
    });
  });
});

describe('the inventory log', () => {
  it('holds only events its contract reads', async () => {
    assert.deepEqual(await eventsOffContract(testbed.inventory.handle.db, inventoryEvents), []);
  });
});
