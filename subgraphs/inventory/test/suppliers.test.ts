import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { viewers } from '@ordergraph/shared/testing';
import { startTestbed, type Testbed } from './helpers.js';
import {
  CREATE_PURCHASE_ORDER,
  CREATE_SUPPLIER,
  SET_SUPPLIER_ITEM,
  UPDATE_SUPPLIER,
  createSupplier,
  key,
  purchaseOrderMutation,
  setItem,
} from './purchasing-helpers.js';

let testbed: Testbed;
before(async () => {
  testbed = await startTestbed();
});
after(() => testbed.stop());

const mutate = (document: string, input: Record<string, unknown>, viewer = viewers.staff()) =>
  purchaseOrderMutation(testbed, document, input, viewer);

describe('suppliers', () => {
  it('adds a supplier and changes only the fields given', async () => {
    const created = await mutate(CREATE_SUPPLIER, {
      name: ' Nordic Mills ',
      contactEmail: 'po@nordic.example',
      currencyCode: 'SEK',
      leadTimeDays: 12,
      idempotencyKey: 'nordic',
    });
    const { id } = created.supplier;
    assert.deepEqual(created, {
      __typename: 'CreateSupplierSuccess',
      supplier: {
        id,
        name: 'Nordic Mills',
        contactEmail: 'po@nordic.example',
        currencyCode: 'SEK',
        leadTimeDays: 12,
        active: true,
      },
    });
    // a retry creates nothing more
    assert.deepEqual(
      await mutate(CREATE_SUPPLIER, {
        name: ' Nordic Mills ',
        contactEmail: 'po@nordic.example',
        currencyCode: 'SEK',
        leadTimeDays: 12,
        idempotencyKey: 'nordic',
      }),
      created,
    );
    const updated = await mutate(UPDATE_SUPPLIER, {
      supplierId: id,
      leadTimeDays: 9,
      currencyCode: 'EUR',
      idempotencyKey: key('u'),
    });
    assert.deepEqual(updated.supplier, {
      ...created.supplier,
      leadTimeDays: 9,
      currencyCode: 'EUR',
    });
    const list = await testbed.request(
      `{ suppliers(first: 10) { nodes { name currencyCode } pageInfo { hasNextPage } } }`,
      { viewer: viewers.staff() },
    );
    assert.deepEqual(list.data?.suppliers, {
      nodes: [{ name: 'Nordic Mills', currencyCode: 'EUR' }],
      pageInfo: { hasNextPage: false },
    });
  });

  it('keeps the currency once something is priced in it, and stops offering an inactive supplier', async () => {
    const supplier = await createSupplier(testbed, { name: 'Zeta Goods' });
    await setItem(testbed, { supplierId: supplier, sku: 'CANDLE-FIG', unitCost: '2.00' });
    assert.deepEqual(
      await mutate(UPDATE_SUPPLIER, {
        supplierId: supplier,
        currencyCode: 'EUR',
        idempotencyKey: key('u'),
      }),
      {
        __typename: 'InvalidInputError',
        message: 'currencyCode cannot change once the supplier has items or purchase orders.',
        field: 'currencyCode',
      },
    );
    await mutate(UPDATE_SUPPLIER, {
      supplierId: supplier,
      active: false,
      idempotencyKey: key('u'),
    });
    assert.deepEqual(
      await mutate(CREATE_PURCHASE_ORDER, {
        supplierId: supplier,
        warehouseId: 'wh-east',
        lines: [{ sku: 'CANDLE-FIG', quantity: 1 }],
        idempotencyKey: key('po'),
      }),
      {
        __typename: 'InvalidInputError',
        message: 'The supplier Zeta Goods is inactive.',
        field: 'supplierId',
      },
    );
    const active = await testbed.request(`{ suppliers { nodes { name } } }`, {
      viewer: viewers.staff(),
    });
    assert.deepEqual(active.data?.suppliers.nodes, [{ name: 'Nordic Mills' }]);
    const all = await testbed.request(`{ suppliers(activeOnly: false) { nodes { name } } }`, {
      viewer: viewers.staff(),
    });
    assert.deepEqual(all.data?.suppliers.nodes, [{ name: 'Nordic Mills' }, { name: 'Zeta Goods' }]);
  });

  it('returns InvalidInputError naming the field', async () => {
    const valid = {
      name: 'Bad',
      contactEmail: 'a@b.example',
      currencyCode: 'USD',
      leadTimeDays: 3,
    };
    const cases = [
      [{ name: ' ' }, 'name', 'name must not be empty.'],
      [{ contactEmail: 'nobody' }, 'contactEmail', 'contactEmail must be an e-mail address.'],
      [
        { currencyCode: 'usd' },
        'currencyCode',
        'currencyCode must be an ISO 4217 code, e.g. "USD".',
      ],
      [{ leadTimeDays: 366 }, 'leadTimeDays', 'leadTimeDays must be between 0 and 365 days.'],
    ] as const;
    for (const [change, field, message] of cases) {
      assert.deepEqual(
        await mutate(CREATE_SUPPLIER, { ...valid, ...change, idempotencyKey: key('b') }),
        {
          __typename: 'InvalidInputError',
          message,
          field,
        },
      );
    }
    const nobody = '00000000-0000-4000-8000-000000000002';
    assert.deepEqual(
      await mutate(UPDATE_SUPPLIER, { supplierId: nobody, idempotencyKey: key('b') }),
      {
        __typename: 'SupplierNotFoundError',
        message: `No supplier has the id ${nobody}.`,
        supplierId: nobody,
      },
    );
  });

  it('is FORBIDDEN to the warehouse and to customers', async () => {
    for (const viewer of [
      viewers.warehouse(),
      viewers.customer('00000000-0000-4000-8000-000000000001'),
    ]) {
      const response = await testbed.request(CREATE_SUPPLIER, {
        viewer,
        variables: {
          input: {
            name: 'X',
            contactEmail: 'x@y.example',
            currencyCode: 'USD',
            leadTimeDays: 1,
            idempotencyKey: key('f'),
          },
        },
      });
      assert.equal(response.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    }
  });
});

describe('supplier items', () => {
  let supplier: string;
  before(async () => {
    supplier = await createSupplier(testbed, { name: 'Items Inc', leadTimeDays: 6 });
  });

  const setTerms = (change: Record<string, unknown>) =>
    mutate(SET_SUPPLIER_ITEM, {
      supplierId: supplier,
      sku: 'MUG-CERAMIC-WHT',
      supplierSku: 'II-MUG-W',
      unitCost: { amount: '1.5', currencyCode: 'USD' },
      minimumOrderQuantity: 24,
      packSize: 12,
      idempotencyKey: key('item'),
      ...change,
    });

  it('records the terms, the supplier’s lead time standing in for the item’s own, and replaces them', async () => {
    assert.deepEqual(await setTerms({ sku: 'mug-ceramic-wht' }), {
      __typename: 'SetSupplierItemSuccess',
      item: {
        sku: 'MUG-CERAMIC-WHT',
        supplierSku: 'II-MUG-W',
        unitCost: { amount: '1.50', currencyCode: 'USD' },
        minimumOrderQuantity: 24,
        packSize: 12,
        leadTimeDays: 6,
        supplier: { id: supplier },
      },
    });
    const replaced = await setTerms({
      leadTimeDays: 2,
      unitCost: { amount: '1.45', currencyCode: 'USD' },
    });
    assert.deepEqual(
      { leadTimeDays: replaced.item.leadTimeDays, unitCost: replaced.item.unitCost },
      { leadTimeDays: 2, unitCost: { amount: '1.45', currencyCode: 'USD' } },
    );
  });

  it('lists a supplier’s items by SKU, a page at a time', async () => {
    await setTerms({ sku: 'CANDLE-CEDAR' });
    await setTerms({ sku: 'TOTE-CANVAS-NAT' });
    const query = `query($id: ID!, $after: String) { supplier(id: $id) {
      items(first: 2, after: $after) { nodes { sku } pageInfo { hasNextPage endCursor } } } }`;
    const first = await testbed.request(query, {
      viewer: viewers.staff(),
      variables: { id: supplier },
    });
    assert.deepEqual(first.data?.supplier.items.nodes, [
      { sku: 'CANDLE-CEDAR' },
      { sku: 'MUG-CERAMIC-WHT' },
    ]);
    assert.equal(first.data?.supplier.items.pageInfo.hasNextPage, true);
    const second = await testbed.request(query, {
      viewer: viewers.staff(),
      variables: { id: supplier, after: first.data?.supplier.items.pageInfo.endCursor },
    });
    assert.deepEqual(second.data?.supplier.items, {
      nodes: [{ sku: 'TOTE-CANVAS-NAT' }],
      pageInfo: { hasNextPage: false, endCursor: second.data?.supplier.items.pageInfo.endCursor },
    });
  });

  it('returns errors naming the field, the SKU or the supplier', async () => {
    const cases = [
      [
        { unitCost: { amount: '1.234', currencyCode: 'USD' } },
        'unitCost.amount',
        'amount must be a decimal from 0 to 100000 with at most 2 decimals.',
      ],
      [
        { unitCost: { amount: '100000.01', currencyCode: 'USD' } },
        'unitCost.amount',
        'amount must be a decimal from 0 to 100000 with at most 2 decimals.',
      ],
      [
        { unitCost: { amount: '1.00', currencyCode: 'EUR' } },
        'unitCost.currencyCode',
        "unitCost must be in the supplier's currency, USD.",
      ],
      [{ packSize: 0 }, 'packSize', 'packSize must be between 1 and 10000.'],
      [
        { minimumOrderQuantity: 0 },
        'minimumOrderQuantity',
        'minimumOrderQuantity must be between 1 and 100000.',
      ],
      [{ supplierSku: '' }, 'supplierSku', 'supplierSku must not be empty.'],
      [{ leadTimeDays: -1 }, 'leadTimeDays', 'leadTimeDays must be between 0 and 365 days.'],
    ] as const;
    for (const [change, field, message] of cases) {
      assert.deepEqual(await setTerms(change), { __typename: 'InvalidInputError', message, field });
    }
    assert.deepEqual(await setTerms({ sku: 'NO-SUCH-SKU' }), {
      __typename: 'UnknownSkuError',
      message: 'No product variant has the SKU NO-SUCH-SKU.',
      sku: 'NO-SUCH-SKU',
    });
    assert.equal((await setTerms({ supplierId: 'acme' })).__typename, 'SupplierNotFoundError');
  });
});
