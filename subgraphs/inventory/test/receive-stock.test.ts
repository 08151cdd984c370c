import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readEvents } from '@ordergraph/shared';
import { racesNeedPostgres, viewers } from '@ordergraph/shared/testing';
import { RECEIVE, startTestbed, type Testbed } from './helpers.js';

let testbed: Testbed;
before(async () => {
  testbed = await startTestbed();
});
after(() => testbed.stop());

const receive = (input: Record<string, unknown>, viewer = viewers.warehouse()) =>
  testbed.request(RECEIVE, { viewer, variables: { input } });

describe('receiveStock', () => {
  it('adds received units to the stock level and records the movement and the event', async () => {
    const input = {
      sku: 'SHOE-TRAIL-42',
      warehouseId: 'wh-east',
      quantity: 12,
      idempotencyKey: 'rcv-1',
    };
    const response = await receive(input);
    assert.deepEqual(response, {
      status: 200,
      data: {
        receiveStock: {
          __typename: 'ReceiveStockSuccess',
          stockLevel: { warehouse: { id: 'wh-east' }, onHand: 12, reserved: 0, available: 12 },
        },
      },
    });
    const [event] = await readEvents(testbed.inventory.handle.db, {
      streamType: 'sku',
      streamId: 'SHOE-TRAIL-42',
    });
    assert.deepEqual(
      { type: event?.type, payload: event?.payload },
      {
        type: 'stock.received',
        payload: {
          sku: 'SHOE-TRAIL-42',
          warehouseId: 'wh-east',
          quantity: 12,
          onHand: 12,
          reserved: 0,
        },
      },
    );
  });

  it('takes the SKU in any case and stores it as the catalog spells it (staff and admin too)', async () => {
    const staff = await receive(
      { sku: ' shoe-trail-42 ', warehouseId: 'wh-east', quantity: 3, idempotencyKey: 'rcv-2' },
      viewers.staff(),
    );
    assert.equal(staff.data?.receiveStock.stockLevel.onHand, 15);
    const admin = await receive(
      { sku: 'SHOE-TRAIL-42', warehouseId: 'wh-west', quantity: 1, idempotencyKey: 'rcv-3' },
      viewers.withRoles('admin-1', ['admin']),
    );
    assert.equal(admin.data?.receiveStock.__typename, 'ReceiveStockSuccess');
    assert.deepEqual(await testbed.levels('SHOE-TRAIL-42'), [
      { warehouseId: 'wh-east', onHand: 15, reserved: 0 },
      { warehouseId: 'wh-west', onHand: 1, reserved: 0 },
    ]);
  });

  it('returns UnknownSkuError for a SKU the catalog does not have', async () => {
    const response = await receive({
      sku: 'NO-SUCH-SKU',
      warehouseId: 'wh-east',
      quantity: 1,
      idempotencyKey: 'rcv-4',
    });
    assert.deepEqual(response.data?.receiveStock, {
      __typename: 'UnknownSkuError',
      message: 'No product variant has the SKU NO-SUCH-SKU.',
      sku: 'NO-SUCH-SKU',
    });
    assert.deepEqual(await testbed.levels('NO-SUCH-SKU'), []);
  });

  it('returns InvalidInputError naming the field', async () => {
    const valid = { sku: 'SHOE-TRAIL-43', warehouseId: 'wh-east', quantity: 1 };
    const cases = [
      [{ quantity: 0 }, 'quantity', 'quantity must be between 1 and 1000000.'],
      [{ quantity: 1_000_001 }, 'quantity', 'quantity must be between 1 and 1000000.'],
      [{ warehouseId: 'wh-moon' }, 'warehouseId', 'No warehouse has the id wh-moon.'],
      [{ sku: ' ' }, 'sku', 'sku must not be empty.'],
      [
        { idempotencyKey: '' },
        'idempotencyKey',
        'idempotencyKey must be 1 to 200 printable characters.',
      ],
    ] as const;
    for (const [change, field, message] of cases) {
      const response = await receive({ ...valid, idempotencyKey: `bad-${field}`, ...change });
      assert.deepEqual(response.data?.receiveStock, {
        __typename: 'InvalidInputError',
        message,
        field,
      });
    }
    assert.deepEqual(await testbed.levels('SHOE-TRAIL-43'), []);
  });

  it('is FORBIDDEN for customers, carriers, services and anonymous callers', async () => {
    const input = { sku: 'SHOE-TRAIL-44', warehouseId: 'wh-east', quantity: 1 };
    const callers = [
      viewers.customer('00000000-0000-4000-8000-000000000001'),
      viewers.carrier('UPS'),
      viewers.service('orders'),
      viewers.anonymous(),
    ];
    for (const [index, viewer] of callers.entries()) {
      const response = await receive({ ...input, idempotencyKey: `forbidden-${index}` }, viewer);
      assert.deepEqual(response.data, null);
      assert.deepEqual(response.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    }
    assert.deepEqual(await testbed.levels('SHOE-TRAIL-44'), []);
  });
});

describe('receiveStock idempotency', () => {
  const input = { sku: 'MUG-CERAMIC-WHT', warehouseId: 'wh-west', quantity: 4 };

  it('returns the first result for a repeated key and receives once', async () => {
    const first = await receive({ ...input, idempotencyKey: 'rcv-mug' });
    const again = await receive({ ...input, idempotencyKey: 'rcv-mug' });
    assert.deepEqual(again, first);
    assert.deepEqual(await testbed.levels('MUG-CERAMIC-WHT'), [
      { warehouseId: 'wh-west', onHand: 4, reserved: 0 },
    ]);
  });

  it('refuses the key with another input', async () => {
    const response = await receive({ ...input, quantity: 5, idempotencyKey: 'rcv-mug' });
    assert.deepEqual(response.data?.receiveStock, {
      __typename: 'InvalidInputError',
      message: 'This idempotencyKey was already used with a different input.',
      field: 'idempotencyKey',
    });
  });

  it('receives once when the same key races', { skip: racesNeedPostgres }, async () => {
    const responses = await Promise.all(
      Array.from({ length: 8 }, () =>
        receive({ ...input, sku: 'MUG-CERAMIC-SAGE', idempotencyKey: 'rcv-race' }),
      ),
    );
    for (const response of responses) {
      assert.equal(response.data?.receiveStock.__typename, 'ReceiveStockSuccess');
    }
    assert.deepEqual(await testbed.levels('MUG-CERAMIC-SAGE'), [
      { warehouseId: 'wh-west', onHand: 4, reserved: 0 },
    ]);
  });
});

describe('stockMovements', () => {
  const query = `query($sku: ID, $warehouseId: ID, $first: Int, $after: String) {
    stockMovements(sku: $sku, warehouseId: $warehouseId, first: $first, after: $after) {
      nodes { sku warehouse { code } kind quantity reference }
      pageInfo { hasNextPage endCursor } } }`;

  it('lists the ledger newest first, a page at a time', async () => {
    const first = await testbed.request(query, {
      viewer: viewers.staff(),
      variables: { sku: 'SHOE-TRAIL-42', first: 2 },
    });
    assert.deepEqual(first.data?.stockMovements.nodes, [
      {
        sku: 'SHOE-TRAIL-42',
        warehouse: { code: 'WEST' },
        kind: 'RECEIPT',
        quantity: 1,
        reference: 'rcv-3',
      },
      {
        sku: 'SHOE-TRAIL-42',
        warehouse: { code: 'EAST' },
        kind: 'RECEIPT',
        quantity: 3,
        reference: 'rcv-2',
      },
    ]);
    assert.equal(first.data?.stockMovements.pageInfo.hasNextPage, true);
    const second = await testbed.request(query, {
      viewer: viewers.warehouse(),
      variables: {
        sku: 'SHOE-TRAIL-42',
        warehouseId: 'wh-east',
        after: first.data?.stockMovements.pageInfo.endCursor,
      },
    });
    assert.deepEqual(second.data?.stockMovements, {
      nodes: [
        {
          sku: 'SHOE-TRAIL-42',
          warehouse: { code: 'EAST' },
          kind: 'RECEIPT',
          quantity: 12,
          reference: 'rcv-1',
        },
      ],
      pageInfo: { hasNextPage: false, endCursor: second.data?.stockMovements.pageInfo.endCursor },
    });
  });

  it('is FORBIDDEN for customers and refuses a forged cursor', async () => {
    const customer = await testbed.request(query, {
      viewer: viewers.customer('00000000-0000-4000-8000-000000000001'),
    });
    assert.equal(customer.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    const forged = await testbed.request(query, {
      viewer: viewers.staff(),
      variables: { after: Buffer.from('{"id":"1; drop"}').toString('base64url') },
    });
    assert.equal(forged.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
  });
});
