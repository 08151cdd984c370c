import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allocate, mergeLines, type WarehouseStock } from '../src/allocation.js';

const EAST = { warehouseId: 'wh-east', warehouseCode: 'EAST', priority: 1 };
const WEST = { warehouseId: 'wh-west', warehouseCode: 'WEST', priority: 2 };
const NORTH = { warehouseId: 'wh-north', warehouseCode: 'NORTH', priority: 2 };

const at = (warehouse: typeof EAST, available: Record<string, number>): WarehouseStock[] =>
  Object.entries(available).map(([sku, units]) => ({ sku, ...warehouse, available: units }));

describe('allocate: one warehouse when one can fill the whole reservation', () => {
  it('takes everything from the highest-priority warehouse when several could', () => {
    const outcome = allocate({
      lines: [
        { sku: 'A', quantity: 2 },
        { sku: 'B', quantity: 1 },
      ],
      stock: [...at(WEST, { A: 5, B: 5 }), ...at(EAST, { A: 2, B: 1 })],
    });
    assert.deepEqual(outcome, {
      ok: true,
      allocations: [
        { sku: 'A', warehouseId: 'wh-east', quantity: 2 },
        { sku: 'B', warehouseId: 'wh-east', quantity: 1 },
      ],
    });
  });

  it('prefers a lower-priority warehouse that has it all over splitting', () => {
    const outcome = allocate({
      lines: [
        { sku: 'A', quantity: 3 },
        { sku: 'B', quantity: 1 },
      ],
      stock: [...at(EAST, { A: 10 }), ...at(WEST, { A: 3, B: 1 })],
    });
    assert.deepEqual(outcome, {
      ok: true,
      allocations: [
        { sku: 'A', warehouseId: 'wh-west', quantity: 3 },
        { sku: 'B', warehouseId: 'wh-west', quantity: 1 },
      ],
    });
  });

  it('breaks a tie in priority by warehouse code', () => {
    const outcome = allocate({
      lines: [{ sku: 'A', quantity: 1 }],
      stock: [...at(WEST, { A: 1 }), ...at(NORTH, { A: 1 })],
    });
    assert.deepEqual(outcome, {
      ok: true,
      allocations: [{ sku: 'A', warehouseId: 'wh-north', quantity: 1 }],
    });
  });
});

describe('allocate: greedy per line when no warehouse can fill it all', () => {
  it('fills each line from the warehouses in priority order', () => {
    const outcome = allocate({
      lines: [
        { sku: 'A', quantity: 2 },
        { sku: 'B', quantity: 2 },
      ],
      stock: [...at(EAST, { A: 5, B: 0 }), ...at(WEST, { A: 1, B: 2 })],
    });
    assert.deepEqual(outcome, {
      ok: true,
      allocations: [
        { sku: 'A', warehouseId: 'wh-east', quantity: 2 },
        { sku: 'B', warehouseId: 'wh-west', quantity: 2 },
      ],
    });
  });

  it('splits a line across warehouses when one is not enough', () => {
    const outcome = allocate({
      lines: [{ sku: 'A', quantity: 7 }],
      stock: [...at(WEST, { A: 5 }), ...at(EAST, { A: 4 })],
    });
    assert.deepEqual(outcome, {
      ok: true,
      allocations: [
        { sku: 'A', warehouseId: 'wh-east', quantity: 4 },
        { sku: 'A', warehouseId: 'wh-west', quantity: 3 },
      ],
    });
  });
});

describe('allocate: shortages', () => {
  it('reports the first short line with what all warehouses have, and allocates nothing', () => {
    const outcome = allocate({
      lines: [
        { sku: 'A', quantity: 1 },
        { sku: 'B', quantity: 6 },
        { sku: 'C', quantity: 9 },
      ],
      stock: [...at(EAST, { A: 1, B: 2 }), ...at(WEST, { B: 3 })],
    });
    assert.deepEqual(outcome, {
      ok: false,
      shortage: { sku: 'B', requested: 6, available: 5 },
    });
  });

  it('counts a SKU without stock rows as none available', () => {
    assert.deepEqual(allocate({ lines: [{ sku: 'Z', quantity: 1 }], stock: [] }), {
      ok: false,
      shortage: { sku: 'Z', requested: 1, available: 0 },
    });
  });

  it('never counts a negative availability', () => {
    const outcome = allocate({
      lines: [{ sku: 'A', quantity: 3 }],
      stock: [...at(EAST, { A: -2 }), ...at(WEST, { A: 2 })],
    });
    assert.deepEqual(outcome, { ok: false, shortage: { sku: 'A', requested: 3, available: 2 } });
  });

  it('adds up lines of the same SKU before checking', () => {
    const outcome = allocate({
      lines: [
        { sku: 'A', quantity: 2 },
        { sku: 'A', quantity: 2 },
      ],
      stock: at(EAST, { A: 3 }),
    });
    assert.deepEqual(outcome, { ok: false, shortage: { sku: 'A', requested: 4, available: 3 } });
  });
});

describe('mergeLines', () => {
  it('sums quantities per SKU in order of first appearance', () => {
    assert.deepEqual(
      mergeLines([
        { sku: 'B', quantity: 1 },
        { sku: 'A', quantity: 2 },
        { sku: 'B', quantity: 3 },
      ]),
      [
        { sku: 'B', quantity: 4 },
        { sku: 'A', quantity: 2 },
      ],
    );
  });
});
