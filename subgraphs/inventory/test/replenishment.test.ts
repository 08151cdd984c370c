import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { viewers } from '@ordergraph/shared/testing';
import { SET_THRESHOLD, SHIP, reserve, startTestbed, type Testbed } from './helpers.js';
import {
  CREATE_FROM_SUGGESTIONS,
  CREATE_PURCHASE_ORDER,
  RECEIVE_PURCHASE_ORDER,
  SUBMIT_PURCHASE_ORDER,
  UPDATE_SUPPLIER,
  createSupplier,
  key,
  purchaseOrderMutation,
  setItem,
  submittedOrder,
} from './purchasing-helpers.js';
import { roundToSupplierTerms, suggestReplenishment } from '../src/purchasing/replenishment.js';

const OAT = 'THROW-LINEN-OAT';
const SLATE = 'THROW-LINEN-SLATE';

let testbed: Testbed;
let acme: string;
let beta: string;

/** sells `quantity` units from wh-east: reserved, then shipped (a SALE in the ledger) */
async function sell(reservationId: string, sku: string, quantity: number) {
  const reserved = await reserve(testbed, reservationId, [{ sku, quantity }]);
  assert.equal(reserved?.__typename, 'ReserveStockSuccess');
  const shipped = await testbed.request(SHIP, {
    viewer: viewers.service('shipments'),
    variables: { input: { reservationId, warehouseId: 'wh-east' } },
  });
  assert.equal(shipped.data?.shipReservation, true);
}

before(async () => {
  testbed = await startTestbed();
  acme = await createSupplier(testbed, { name: 'Acme Linen', leadTimeDays: 7 });
  beta = await createSupplier(testbed, {
    name: 'Beta Textiles',
    currencyCode: 'EUR',
    leadTimeDays: 20,
  });
  const gamma = await createSupplier(testbed, { name: 'Gamma Caps', leadTimeDays: 3 });
  // Acme is faster for OAT (14 days against Beta's 20), though Beta is cheaper
  await setItem(testbed, {
    supplierId: acme,
    sku: OAT,
    unitCost: '12.50',
    minimumOrderQuantity: 10,
    packSize: 6,
    leadTimeDays: 14,
  });
  await setItem(testbed, { supplierId: beta, sku: OAT, unitCost: '9.00', currencyCode: 'EUR' });
  await setItem(testbed, {
    supplierId: beta,
    sku: SLATE,
    unitCost: '2.05',
    currencyCode: 'EUR',
    minimumOrderQuantity: 50,
  });
  await setItem(testbed, { supplierId: acme, sku: 'CANDLE-FIG', unitCost: '3.00' });
  await setItem(testbed, { supplierId: gamma, sku: 'CAP-BASEBALL-NVY', unitCost: '4.00' });
  const deactivated = await testbed.request(UPDATE_SUPPLIER, {
    viewer: viewers.staff(),
    variables: { input: { supplierId: gamma, active: false, idempotencyKey: key('off') } },
  });
  assert.equal(deactivated.data?.updateSupplier.supplier.active, false);

  // the synthetic history of OAT in wh-east
  await testbed.receive(OAT, 'wh-east', 40);
  await testbed.receive('CANDLE-FIG', 'wh-east', 100);
  await sell('old-sale', OAT, 8);
  // 40 days ago: outside the 30-day window
  await testbed.inventory.handle.db.execute(
    sql`update stock_movements set occurred_at = now() - interval '40 days' where reference = 'old-sale'`,
  );
  for (const [index, quantity] of [10, 7, 8].entries()) await sell(`sale-${index}`, OAT, quantity);
  const held = await reserve(testbed, 'held', [{ sku: OAT, quantity: 3 }]);
  assert.equal(held?.__typename, 'ReserveStockSuccess');
  const threshold = await testbed.request(SET_THRESHOLD, {
    viewer: viewers.staff(),
    variables: {
      input: { sku: OAT, warehouseId: 'wh-east', threshold: 4, idempotencyKey: key('t') },
    },
  });
  assert.equal(threshold.data?.setLowStockThreshold.__typename, 'SetLowStockThresholdSuccess');
  // on order: 8 submitted, 2 of them received; a DRAFT and a cancelled order do not count
  const open = await submittedOrder(testbed, {
    supplierId: acme,
    warehouseId: 'wh-east',
    lines: [{ sku: OAT, quantity: 8 }],
  });
  const partly = await purchaseOrderMutation(
    testbed,
    RECEIVE_PURCHASE_ORDER,
    { purchaseOrderId: open, lines: [{ sku: OAT, quantity: 2 }], idempotencyKey: key('r') },
    viewers.warehouse(),
  );
  assert.equal(partly.purchaseOrder.status, 'PARTIALLY_RECEIVED');
  await purchaseOrderMutation(testbed, CREATE_PURCHASE_ORDER, {
    supplierId: acme,
    warehouseId: 'wh-east',
    lines: [{ sku: OAT, quantity: 100 }],
    idempotencyKey: key('draft'),
  });
  const cancelled = await submittedOrder(testbed, {
    supplierId: acme,
    warehouseId: 'wh-east',
    lines: [{ sku: OAT, quantity: 50 }],
  });
  await purchaseOrderMutation(
    testbed,
    `mutation($input: CancelPurchaseOrderInput!) {
    cancelPurchaseOrder(input: $input) { __typename } }`,
    {
      purchaseOrderId: cancelled,
      idempotencyKey: key('c'),
    },
  );
});
after(() => testbed.stop());

const SUGGESTIONS = `query($warehouseId: ID!, $first: Int, $after: String) {
  replenishmentSuggestions(warehouseId: $warehouseId, first: $first, after: $after) {
    nodes {
      sku warehouse { id } supplierItem { supplier { name } supplierSku }
      onHand reserved onOrder salesLast30Days averageDailySales leadTimeDays safetyStock
      reorderPoint suggestedQuantity suggestedCost { amount currencyCode }
    }
    pageInfo { hasNextPage endCursor } } }`;

const suggestions = async (warehouseId: string, first = 20, after?: string) => {
  const response = await testbed.request(SUGGESTIONS, {
    viewer: viewers.staff(),
    variables: { warehouseId, first, after },
  });
  assert.equal(response.errors, undefined);
  return response.data?.replenishmentSuggestions;
};

describe('replenishment suggestions', () => {
  it('match a hand computation from the sales history, the stock and the open purchase orders', async () => {
    const page = await suggestions('wh-east');
    // OAT in wh-east, by hand:
    //   on hand 40 + 2 received - 8 - 25 sold = 9; reserved 3; on order 8 - 2 = 6
    //   sales in the last 30 days 10 + 7 + 8 = 25 (the 8 sold 40 days ago are out)
    //   reorder point ceil(25 × 14 / 30) + 4 = ceil(11.67) + 4 = 16
    //   position 9 - 3 + 6 = 12 <= 16: order 16 + 25 - 12 = 29, at least 10, in packs of 6: 30
    // SLATE nowhere stocked: reorder point 0 + the default 5; 5 - 0 = 5, raised to the minimum 50
    assert.deepEqual(page.nodes, [
      {
        sku: OAT,
        warehouse: { id: 'wh-east' },
        supplierItem: { supplier: { name: 'Acme Linen' }, supplierSku: `S-${OAT}` },
        onHand: 9,
        reserved: 3,
        onOrder: 6,
        salesLast30Days: 25,
        averageDailySales: 25 / 30,
        leadTimeDays: 14,
        safetyStock: 4,
        reorderPoint: 16,
        suggestedQuantity: 30,
        suggestedCost: { amount: '375.00', currencyCode: 'USD' },
      },
      {
        sku: SLATE,
        warehouse: { id: 'wh-east' },
        supplierItem: { supplier: { name: 'Beta Textiles' }, supplierSku: `S-${SLATE}` },
        onHand: 0,
        reserved: 0,
        onOrder: 0,
        salesLast30Days: 0,
        averageDailySales: 0,
        leadTimeDays: 20,
        safetyStock: 5,
        reorderPoint: 5,
        suggestedQuantity: 50,
        suggestedCost: { amount: '102.50', currencyCode: 'EUR' },
      },
    ]);
    // CANDLE-FIG (100 on hand) is above its reorder point; the cap's only supplier is inactive
    assert.equal(page.pageInfo.hasNextPage, false);
  });

  it('pages by SKU', async () => {
    const first = await suggestions('wh-east', 1);
    assert.deepEqual(
      first.nodes.map((node: { sku: string }) => node.sku),
      [OAT],
    );
    assert.equal(first.pageInfo.hasNextPage, true);
    const second = await suggestions('wh-east', 1, first.pageInfo.endCursor);
    assert.deepEqual(
      second.nodes.map((node: { sku: string }) => node.sku),
      [SLATE],
    );
    assert.equal(second.pageInfo.hasNextPage, false);
  });

  it('computes the same as the pure function', () => {
    const inputs = {
      sku: OAT,
      warehouseId: 'wh-east',
      supplierId: acme,
      onHand: 9,
      reserved: 3,
      onOrder: 6,
      salesInWindow: 25,
      leadTimeDays: 14,
      safetyStock: 4,
      minimumOrderQuantity: 10,
      packSize: 6,
      unitCostMinor: 1250,
      currencyCode: 'USD',
    };
    assert.deepEqual(
      (({ reorderPoint, suggestedQuantity }) => ({ reorderPoint, suggestedQuantity }))(
        suggestReplenishment(inputs),
      ),
      { reorderPoint: 16, suggestedQuantity: 30 },
    );
    // above the reorder point nothing is suggested
    assert.equal(suggestReplenishment({ ...inputs, onOrder: 11 }).suggestedQuantity, 0);
    assert.equal(roundToSupplierTerms(3, { minimumOrderQuantity: 10, packSize: 4 }), 12);
    assert.equal(roundToSupplierTerms(13, { minimumOrderQuantity: 1, packSize: 1 }), 13);
  });

  it('is reachable from a stock level, where low stock is shown', async () => {
    const response = await testbed.request(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on ProductVariant {
        stock { warehouse { id } isLow replenishment { reorderPoint suggestedQuantity } } } } }`,
      {
        viewer: viewers.staff(),
        variables: {
          r: [
            { __typename: 'ProductVariant', sku: 'CANDLE-FIG' },
            { __typename: 'ProductVariant', sku: OAT },
          ],
        },
      },
    );
    assert.deepEqual(response.data?._entities, [
      {
        stock: [
          {
            warehouse: { id: 'wh-east' },
            isLow: false,
            replenishment: { reorderPoint: 5, suggestedQuantity: 0 },
          },
        ],
      },
      {
        stock: [
          {
            warehouse: { id: 'wh-east' },
            isLow: false,
            replenishment: { reorderPoint: 16, suggestedQuantity: 30 },
          },
        ],
      },
    ]);
    const warehouse = await testbed.request(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on ProductVariant {
        stock { replenishment { suggestedQuantity } } } } }`,
      {
        viewer: viewers.warehouse(),
        variables: { r: [{ __typename: 'ProductVariant', sku: OAT }] },
      },
    );
    assert.equal(warehouse.errors?.[0]?.extensions?.code, 'FORBIDDEN');
  });

  it('refuses the warehouse, and an unknown warehouse', async () => {
    const refused = await testbed.request(SUGGESTIONS, {
      viewer: viewers.warehouse(),
      variables: { warehouseId: 'wh-east' },
    });
    assert.equal(refused.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    const unknown = await testbed.request(SUGGESTIONS, {
      viewer: viewers.staff(),
      variables: { warehouseId: 'wh-moon' },
    });
    assert.deepEqual(
      unknown.errors?.map((error) => error.extensions?.code),
      ['BAD_USER_INPUT'],
    );
  });
});

describe('createPurchaseOrdersFromSuggestions', () => {
  const create = (skus: string[], idempotencyKey = key('from')) =>
    purchaseOrderMutation(testbed, CREATE_FROM_SUGGESTIONS, {
      warehouseId: 'wh-east',
      skus,
      idempotencyKey,
    });

  it('refuses SKUs without a suggestion, naming them', async () => {
    const cases = [
      [
        ['CANDLE-FIG'],
        'skus.0',
        'CANDLE-FIG is above its reorder point in wh-east: there is nothing to order.',
      ],
      [[OAT, 'CAP-BASEBALL-NVY'], 'skus.1', 'No active supplier sells CAP-BASEBALL-NVY.'],
      [[OAT, OAT.toLowerCase()], 'skus.1', `${OAT} is chosen more than once.`],
      [[], 'skus', 'skus must hold 1 to 100 SKUs.'],
    ] as const;
    for (const [skus, field, message] of cases) {
      assert.deepEqual(await create([...skus]), {
        __typename: 'InvalidInputError',
        message,
        field,
      });
    }
  });

  it('makes one DRAFT purchase order per supplier at the suggested quantities', async () => {
    const result = await create([SLATE, OAT], 'reorder-east');
    assert.equal(result.__typename, 'CreatePurchaseOrdersFromSuggestionsSuccess');
    const orders = result.purchaseOrders.map(
      (order: {
        status: string;
        supplier: { id: string };
        lines: { sku: string; quantity: number }[];
        total: unknown;
      }) => ({
        status: order.status,
        supplier: order.supplier.id,
        lines: order.lines.map(({ sku, quantity }) => ({ sku, quantity })),
        total: order.total,
      }),
    );
    assert.deepEqual(orders, [
      {
        status: 'DRAFT',
        supplier: acme,
        lines: [{ sku: OAT, quantity: 30 }],
        total: { amount: '375.00', currencyCode: 'USD' },
      },
      {
        status: 'DRAFT',
        supplier: beta,
        lines: [{ sku: SLATE, quantity: 50 }],
        total: { amount: '102.50', currencyCode: 'EUR' },
      },
    ]);
    const again = await create([SLATE, OAT], 'reorder-east');
    assert.deepEqual(again, result);
    // drafts are not on order yet; once submitted, OAT is no longer due
    assert.equal((await suggestions('wh-east')).nodes.length, 2);
    const submitted = await purchaseOrderMutation(testbed, SUBMIT_PURCHASE_ORDER, {
      purchaseOrderId: result.purchaseOrders[0].id,
      idempotencyKey: key('s'),
    });
    assert.equal(submitted.purchaseOrder.status, 'SUBMITTED');
    assert.deepEqual(
      (await suggestions('wh-east')).nodes.map((node: { sku: string }) => node.sku),
      [SLATE],
    );
  });

  it('is FORBIDDEN for the warehouse', async () => {
    const response = await testbed.request(CREATE_FROM_SUGGESTIONS, {
      viewer: viewers.warehouse(),
      variables: { input: { warehouseId: 'wh-east', skus: [SLATE], idempotencyKey: key('w') } },
    });
    assert.equal(response.errors?.[0]?.extensions?.code, 'FORBIDDEN');
  });
});
