import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { actorOf, inventoryEvents, readEvents } from '@ordergraph/shared';
import {
  eventsOffContract,
  racesNeedPostgres,
  viewers,
  type GraphQLResponse,
} from '@ordergraph/shared/testing';
import { receivePurchaseOrder } from '../src/purchasing/receiving.js';
import { checkReceivingWarehouse } from '../src/stock.js';
import { deactivateWarehouse } from '../src/warehouse-admin.js';
import { createWarehousesRepository } from '../src/warehouses.repository.js';
import { RESTOCK, startTestbed, type Testbed } from './helpers.js';
import { holdLocks, untilSomeoneWaits } from './locks.js';
import {
  CREATE_FROM_SUGGESTIONS,
  CREATE_PURCHASE_ORDER,
  RECEIVE_PURCHASE_ORDER,
  SUBMIT_PURCHASE_ORDER,
  createSupplier,
  key,
  purchaseOrderMutation,
  setItem,
  submittedOrder,
} from './purchasing-helpers.js';

const SKU = 'CANDLE-CEDAR';

let testbed: Testbed;
let supplierId: string;
before(async () => {
  testbed = await startTestbed();
  supplierId = await createSupplier(testbed, { name: 'Wick & Co' });
  await setItem(testbed, { supplierId, sku: SKU, unitCost: '2.00' });
});
after(() => testbed.stop());

const refusal = (code: string, field: string) => ({
  __typename: 'InvalidInputError',
  message: `Warehouse ${code} is inactive: it keeps its stock but takes no receipts. Reactivate it with updateWarehouse first.`,
  field,
});

/** creates an active warehouse through the API and returns its id */
async function openWarehouse(code: string): Promise<string> {
  const response = await testbed.request(
    `mutation($input: CreateWarehouseInput!) { createWarehouse(input: $input) {
      ... on CreateWarehouseSuccess { warehouse { id } } } }`,
    {
      viewer: viewers.staff(),
      variables: {
        input: {
          code,
          name: code,
          address: { line1: '2 Quay St', city: 'Dayton', postalCode: '45402', country: 'US' },
          idempotencyKey: key('wh'),
        },
      },
    },
  );
  const id = response.data?.createWarehouse.warehouse?.id;
  if (!id) throw new Error(`creating a warehouse failed: ${JSON.stringify(response)}`);
  return id;
}

const DEACTIVATE = `mutation($input: DeactivateWarehouseInput!) {
  deactivateWarehouse(input: $input) { __typename } }`;

/** deactivates a warehouse through the API, as staff; resolves to the result's typename */
const deactivate = (warehouseId: string) =>
  testbed
    .request(DEACTIVATE, {
      viewer: viewers.staff(),
      variables: { input: { warehouseId, idempotencyKey: key('off') } },
    })
    .then((response) => response.data?.deactivateWarehouse.__typename);

async function reactivate(warehouseId: string) {
  const response = await testbed.request(
    `mutation($input: UpdateWarehouseInput!) { updateWarehouse(input: $input) { __typename } }`,
    {
      viewer: viewers.staff(),
      variables: { input: { warehouseId, active: true, idempotencyKey: key('on') } },
    },
  );
  assert.equal(response.data?.updateWarehouse.__typename, 'UpdateWarehouseSuccess');
}

const receive = (purchaseOrderId: string, quantity: number, idempotencyKey = key('delivery')) =>
  purchaseOrderMutation(
    testbed,
    RECEIVE_PURCHASE_ORDER,
    { purchaseOrderId, lines: [{ sku: SKU, quantity }], idempotencyKey },
    viewers.warehouse(),
  );

/** every movement of a warehouse's ledger, oldest first */
async function movementsIn(warehouseId: string) {
  const response = await testbed.request(
    `query($w: ID) { stockMovements(warehouseId: $w, first: 100) {
      nodes { kind quantity reference } } }`,
    { viewer: viewers.staff(), variables: { w: warehouseId } },
  );
  return response.data?.stockMovements.nodes.reverse();
}

/** what a purchase order shows of its deliveries */
async function deliveriesOf(purchaseOrderId: string) {
  const response = await testbed.request(
    `query($id: ID!) { purchaseOrder(id: $id) {
      status lines { received damaged outstanding } receipts(first: 10) { nodes { id } } } }`,
    { viewer: viewers.staff(), variables: { id: purchaseOrderId } },
  );
  const order = response.data?.purchaseOrder;
  return { status: order.status, lines: order.lines, receipts: order.receipts.nodes.length };
}

/** the order's deliveries and the warehouse's deactivation, in the order the log holds them */
async function eventsOf(purchaseOrderId: string, warehouseId: string) {
  const db = testbed.inventory.handle.db;
  const events = [
    ...(await readEvents(db, { streamType: 'purchase_order', streamId: purchaseOrderId })),
    ...(await readEvents(db, { streamType: 'warehouse', streamId: warehouseId })),
  ];
  return events
    .sort((a, b) => Number(a.seq) - Number(b.seq))
    .map((event) => event.type)
    .filter((type) => type === 'purchase_order.received' || type === 'warehouse.deactivated');
}

const levelIn = async (warehouseId: string) =>
  (await testbed.levels(SKU)).find((level) => level.warehouseId === warehouseId);

describe('an inactive warehouse takes no purchase order delivery', () => {
  it('refuses a delivery whole, naming the purchase order, records nothing, and takes it once back', async () => {
    const warehouseId = await openWarehouse('SHUT-PO');
    await testbed.receive(SKU, warehouseId, 2);
    const order = await submittedOrder(testbed, {
      supplierId,
      warehouseId,
      lines: [{ sku: SKU, quantity: 5 }],
    });
    const movementsBefore = await movementsIn(warehouseId);
    assert.equal(await deactivate(warehouseId), 'DeactivateWarehouseSuccess');

    const refused = await receive(order, 3, 'shut-po-delivery');
    assert.deepEqual(refused, refusal('SHUT-PO', 'purchaseOrderId'));
    // the same key answers the same, and still nothing comes in
    assert.deepEqual(await receive(order, 3, 'shut-po-delivery'), refused);
    assert.deepEqual(await levelIn(warehouseId), { warehouseId, onHand: 2, reserved: 0 });
    assert.deepEqual(await movementsIn(warehouseId), movementsBefore);
    assert.deepEqual(await deliveriesOf(order), {
      status: 'SUBMITTED',
      lines: [{ received: 0, damaged: 0, outstanding: 5 }],
      receipts: 0,
    });
    assert.deepEqual(await eventsOf(order, warehouseId), ['warehouse.deactivated']);

    await reactivate(warehouseId);
    assert.equal((await receive(order, 3)).__typename, 'PurchaseOrderSuccess');
    assert.deepEqual(await levelIn(warehouseId), { warehouseId, onHand: 5, reserved: 0 });
    assert.deepEqual(await deliveriesOf(order), {
      status: 'PARTIALLY_RECEIVED',
      lines: [{ received: 3, damaged: 0, outstanding: 2 }],
      receipts: 1,
    });
  });

  it('refuses new purchase orders to it and the submission of its drafts', async () => {
    const warehouseId = await openWarehouse('SHUT-BUY');
    const lines = [{ sku: SKU, quantity: 4 }];
    const draft = await purchaseOrderMutation(testbed, CREATE_PURCHASE_ORDER, {
      supplierId,
      warehouseId,
      lines,
      idempotencyKey: key('po'),
    });
    assert.equal(draft.__typename, 'PurchaseOrderSuccess');
    assert.equal(await deactivate(warehouseId), 'DeactivateWarehouseSuccess');

    assert.deepEqual(
      await purchaseOrderMutation(testbed, CREATE_PURCHASE_ORDER, {
        supplierId,
        warehouseId,
        lines,
        idempotencyKey: key('po'),
      }),
      refusal('SHUT-BUY', 'warehouseId'),
    );
    assert.deepEqual(
      await purchaseOrderMutation(testbed, CREATE_FROM_SUGGESTIONS, {
        warehouseId,
        skus: [SKU],
        idempotencyKey: key('reorder'),
      }),
      refusal('SHUT-BUY', 'warehouseId'),
    );
    assert.deepEqual(
      await purchaseOrderMutation(testbed, SUBMIT_PURCHASE_ORDER, {
        purchaseOrderId: draft.purchaseOrder.id,
        idempotencyKey: key('submit'),
      }),
      refusal('SHUT-BUY', 'purchaseOrderId'),
    );
    // the draft stays a draft, and it is the warehouse's only purchase order
    const orders = await testbed.request(
      `query($w: ID) { purchaseOrders(warehouseId: $w) { nodes { id status expectedAt } } }`,
      { viewer: viewers.staff(), variables: { w: warehouseId } },
    );
    assert.deepEqual(orders.data?.purchaseOrders.nodes, [
      { id: draft.purchaseOrder.id, status: 'DRAFT', expectedAt: null },
    ]);
    const submitted = await readEvents(testbed.inventory.handle.db, {
      streamType: 'purchase_order',
      streamId: draft.purchaseOrder.id,
    });
    assert.deepEqual(submitted, []);
  });
});

describe('an inactive warehouse takes no returned units', () => {
  const restock = (returnId: string, warehouseId: string) =>
    testbed.request(RESTOCK, {
      viewer: viewers.service('orders'),
      variables: { input: { returnId, warehouseId, lines: [{ sku: SKU, quantity: 1 }] } },
    });
  const errorsOf = (response: GraphQLResponse) =>
    response.errors?.map(({ message, extensions }) => ({
      message,
      code: extensions?.['code'],
      field: extensions?.['field'],
    }));

  it('refuses a new restock naming the warehouse, and answers again one it took while active', async () => {
    const warehouseId = await openWarehouse('SHUT-RET');
    await testbed.receive(SKU, warehouseId, 1);
    assert.deepEqual((await restock('return-before', warehouseId)).data, { restockReturn: true });
    const taken = await movementsIn(warehouseId);
    assert.deepEqual(
      taken.map(({ kind }: { kind: string }) => kind),
      ['RECEIPT', 'RETURN'],
    );
    assert.equal(await deactivate(warehouseId), 'DeactivateWarehouseSuccess');

    // taken while active: a repeat changes nothing and is true again
    assert.deepEqual((await restock('return-before', warehouseId)).data, { restockReturn: true });
    const refused = await restock('return-after', warehouseId);
    assert.equal(refused.data, null);
    const { message } = refusal('SHUT-RET', 'warehouseId');
    assert.deepEqual(errorsOf(refused), [
      { message, code: 'BAD_USER_INPUT', field: 'warehouseId' },
    ]);
    assert.deepEqual(await levelIn(warehouseId), { warehouseId, onHand: 2, reserved: 0 });
    assert.deepEqual(await movementsIn(warehouseId), taken);

    // the refusal kept no claim: back in service, the same call restocks
    await reactivate(warehouseId);
    assert.deepEqual((await restock('return-after', warehouseId)).data, { restockReturn: true });
    assert.deepEqual(await levelIn(warehouseId), { warehouseId, onHand: 3, reserved: 0 });
    assert.deepEqual(await movementsIn(warehouseId), [
      ...taken,
      { kind: 'RETURN', quantity: 1, reference: 'return-after' },
    ]);
  });
});

describe(
  'a purchase order delivery racing the deactivation of its warehouse',
  { skip: racesNeedPostgres },
  () => {
    const db = () => testbed.inventory.handle.db;

    it('refuses a delivery that waited on a deactivation under way, recording nothing', async () => {
      const warehouseId = await openWarehouse('RACE-PO-A');
      const order = await submittedOrder(testbed, {
        supplierId,
        warehouseId,
        lines: [{ sku: SKU, quantity: 4 }],
      });
      // the deactivation has locked its warehouse and not committed yet
      const deactivation = holdLocks(
        db(),
        (tx) => createWarehousesRepository({ db: tx }).lock(warehouseId),
        (tx) => deactivateWarehouse(tx, { warehouseId }),
      );
      await deactivation.holding;
      const delivery = receive(order, 4);
      await untilSomeoneWaits(db(), delivery);
      deactivation.release();
      await deactivation.done;

      assert.deepEqual(await delivery, refusal('RACE-PO-A', 'purchaseOrderId'));
      assert.equal(await levelIn(warehouseId), undefined);
      assert.deepEqual(await movementsIn(warehouseId), []);
      assert.deepEqual(await deliveriesOf(order), {
        status: 'SUBMITTED',
        lines: [{ received: 0, damaged: 0, outstanding: 4 }],
        receipts: 0,
      });
      assert.deepEqual(await eventsOf(order, warehouseId), ['warehouse.deactivated']);
    });

    it('makes a deactivation wait for a delivery that checked its warehouse: its units came in while active', async () => {
      const warehouseId = await openWarehouse('RACE-PO-B');
      const order = await submittedOrder(testbed, {
        supplierId,
        warehouseId,
        lines: [{ sku: SKU, quantity: 4 }],
      });
      // the delivery has checked its warehouse (its first step) and goes on once released
      let delivered: { __typename: string } | undefined;
      const delivery = holdLocks(
        db(),
        (tx) => checkReceivingWarehouse(tx, { warehouseId, field: 'purchaseOrderId' }),
        async (tx) => {
          delivered = await receivePurchaseOrder(tx, {
            purchaseOrderId: order,
            delivery: [{ sku: SKU, quantity: 4, damaged: 0 }],
            tolerancePercent: 0,
            actor: actorOf(viewers.warehouse()),
          });
        },
      );
      await delivery.holding;
      const deactivation = deactivate(warehouseId);
      await untilSomeoneWaits(db(), deactivation);
      delivery.release();
      await delivery.done;

      assert.equal(delivered?.__typename, 'PurchaseOrderSuccess');
      assert.equal(await deactivation, 'DeactivateWarehouseSuccess');
      assert.deepEqual(await levelIn(warehouseId), { warehouseId, onHand: 4, reserved: 0 });
      assert.deepEqual(await deliveriesOf(order), {
        status: 'RECEIVED',
        lines: [{ received: 4, damaged: 0, outstanding: 0 }],
        receipts: 1,
      });
      assert.deepEqual(await eventsOf(order, warehouseId), [
        'purchase_order.received',
        'warehouse.deactivated',
      ]);
    });

    it('lets racing deliveries and deactivations happen in one order or the other, never a mix', async () => {
      for (let run = 0; run < 6; run++) {
        const code = `RACE-PO-RUN-${run}`;
        const warehouseId = await openWarehouse(code);
        const order = await submittedOrder(testbed, {
          supplierId,
          warehouseId,
          lines: [{ sku: SKU, quantity: 3 }],
        });
        const [delivered, deactivated] = await Promise.all([
          receive(order, 3),
          deactivate(warehouseId),
        ]);
        assert.equal(deactivated, 'DeactivateWarehouseSuccess');
        const state = {
          delivered: delivered.__typename === 'PurchaseOrderSuccess' ? 'delivered' : delivered,
          level: await levelIn(warehouseId),
          order: await deliveriesOf(order),
          events: await eventsOf(order, warehouseId),
        };
        const first =
          delivered.__typename === 'PurchaseOrderSuccess'
            ? {
                delivered: 'delivered',
                level: { warehouseId, onHand: 3, reserved: 0 },
                order: {
                  status: 'RECEIVED',
                  lines: [{ received: 3, damaged: 0, outstanding: 0 }],
                  receipts: 1,
                },
                events: ['purchase_order.received', 'warehouse.deactivated'],
              }
            : {
                delivered: refusal(code, 'purchaseOrderId'),
                level: undefined,
                order: {
                  status: 'SUBMITTED',
                  lines: [{ received: 0, damaged: 0, outstanding: 3 }],
                  receipts: 0,
                },
                events: ['warehouse.deactivated'],
              };
        assert.deepEqual(state, first, `run ${run}`);
      }
    });
  },
);

describe('the inventory log', () => {
  it('holds only events its contract reads', async () => {
    assert.deepEqual(await eventsOffContract(testbed.inventory.handle.db, inventoryEvents), []);
  });
});
