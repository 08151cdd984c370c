import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { systemActor } from '@ordergraph/shared';
import { viewers } from '@ordergraph/shared/testing';
import { stockLevels } from '../src/db/schema.js';
import { compareLevels, movement, rebuildStockLevels } from '../src/ledger.js';
import { createLedgerRepository } from '../src/ledger.repository.js';
import { ADJUST, RELEASE, RESTOCK, SHIP, reserve, startTestbed, type Testbed } from './helpers.js';

let testbed: Testbed;
before(async () => {
  testbed = await startTestbed();
});
after(() => testbed.stop());

/** every movement ever recorded, oldest first, read a page at a time */
async function wholeLedger() {
  const ledger = createLedgerRepository({ db: testbed.inventory.handle.db });
  const movements = [];
  for (let afterId = 0; ;) {
    const page = await ledger.readLedger({ afterId, limit: 7 });
    if (page.length === 0) return movements;
    movements.push(...page);
    afterId = page.at(-1)!.id;
  }
}

async function table() {
  const rows = await testbed.inventory.handle.db.select().from(stockLevels);
  return rows
    .map(({ sku, warehouseId, onHand, reserved }) => ({ sku, warehouseId, onHand, reserved }))
    .sort(compareLevels);
}

describe('the stock ledger', () => {
  it('rebuilds exactly the stock levels after a mixed workload', async () => {
    const [mug, cap, candle] = ['MUG-CERAMIC-SAGE', 'CAP-BASEBALL-KHK', 'CANDLE-FIG'];
    await testbed.receive(mug, 'wh-east', 5);
    await testbed.receive(mug, 'wh-west', 8);
    await testbed.receive(cap, 'wh-east', 3);
    await testbed.receive(candle, 'wh-west', 2);
    await reserve(testbed, 'order-1', [
      { sku: mug, quantity: 7 },
      { sku: cap, quantity: 2 },
    ]);
    await reserve(testbed, 'order-2', [{ sku: candle, quantity: 1 }]);
    await reserve(testbed, 'order-3', [{ sku: mug, quantity: 1 }]);
    const asService = (name: string) => ({ viewer: viewers.service(name) });
    await testbed.request(SHIP, {
      ...asService('shipments'),
      variables: { input: { reservationId: 'order-1', warehouseId: 'wh-east' } },
    });
    await testbed.request(RELEASE, {
      ...asService('orders'),
      variables: { input: { reservationId: 'order-1' } },
    });
    await testbed.request(RELEASE, {
      ...asService('orders'),
      variables: { input: { reservationId: 'order-2' } },
    });
    await testbed.request(RESTOCK, {
      ...asService('orders'),
      variables: {
        input: { returnId: 'ret-1', warehouseId: 'wh-west', lines: [{ sku: cap, quantity: 1 }] },
      },
    });
    const corrections = [
      { sku: mug, warehouseId: 'wh-west', delta: -2, reason: 'DAMAGED' },
      { sku: mug, warehouseId: 'wh-west', delta: 4, reason: 'COUNT_CORRECTION' },
      { sku: candle, warehouseId: 'wh-west', delta: -1, reason: 'LOST' },
      { sku: cap, warehouseId: 'wh-east', delta: 6, reason: 'FOUND' },
    ];
    for (const [index, correction] of corrections.entries()) {
      const response = await testbed.request(ADJUST, {
        viewer: viewers.warehouse(),
        variables: { input: { ...correction, idempotencyKey: `fix-${index}` } },
      });
      assert.equal(response.data?.adjustStock.__typename, 'AdjustStockSuccess');
    }

    const ledger = await wholeLedger();
    assert.deepEqual([...new Set(ledger.map((movement) => movement.kind))].sort(), [
      'ADJUSTMENT',
      'RECEIPT',
      'RELEASE',
      'RESERVATION',
      'RETURN',
      'SALE',
      'WRITE_OFF',
    ]);
    assert.deepEqual(rebuildStockLevels(ledger), await table());
    assert.deepEqual(await table(), [
      { sku: candle, warehouseId: 'wh-west', onHand: 1, reserved: 0 },
      { sku: cap, warehouseId: 'wh-east', onHand: 7, reserved: 0 },
      { sku: cap, warehouseId: 'wh-west', onHand: 1, reserved: 0 },
      { sku: mug, warehouseId: 'wh-east', onHand: 0, reserved: 0 },
      { sku: mug, warehouseId: 'wh-west', onHand: 10, reserved: 1 },
    ]);
  });

  it('records a batch that nets to nothing without touching the level', async () => {
    const before = await table();
    const { movementIds, levels } = await testbed.inventory.handle.db.transaction((tx) =>
      createLedgerRepository({ db: tx }).applyMovements(
        (['RESERVATION', 'RELEASE'] as const).map((kind) =>
          movement(kind, {
            sku: 'CANDLE-FIG',
            warehouseId: 'wh-west',
            quantity: 1,
            reference: 'net-zero',
            actor: systemActor('test'),
          }),
        ),
      ),
    );
    assert.deepEqual([movementIds.length, levels], [2, []]);
    assert.deepEqual(await table(), before);
    assert.deepEqual(rebuildStockLevels(await wholeLedger()), before);
  });
});
