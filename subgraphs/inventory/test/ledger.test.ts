import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  adjustment,
  becameLow,
  isLow,
  movement,
  rebuildStockLevels,
  type NewMovement,
} from '../src/ledger.js';

const staff = { kind: 'STAFF', id: 'staff-1', name: 'Sam' } as const;
const cause = { sku: 'MUG', warehouseId: 'wh-east', reference: 'ref-1', actor: staff };
// how a movement's row keeps its actor
const { actor: _actor, ...recorded } = cause;
const stored = { ...recorded, actor: 'staff-1', actorKind: 'STAFF', actorName: 'Sam' };
const changes = ({ kind, quantity, onHandChange, reservedChange }: NewMovement) => ({
  kind,
  quantity,
  onHandChange,
  reservedChange,
});

describe('movements', () => {
  it('moves on hand and reserved by the rule of each kind', () => {
    const kinds = ['RECEIPT', 'RESERVATION', 'RELEASE', 'SALE', 'RETURN', 'WRITE_OFF'] as const;
    assert.deepEqual(
      kinds.map((kind) => changes(movement(kind, { ...cause, quantity: 3 }))),
      [
        { kind: 'RECEIPT', quantity: 3, onHandChange: 3, reservedChange: 0 },
        { kind: 'RESERVATION', quantity: 3, onHandChange: 0, reservedChange: 3 },
        { kind: 'RELEASE', quantity: 3, onHandChange: 0, reservedChange: -3 },
        { kind: 'SALE', quantity: 3, onHandChange: -3, reservedChange: -3 },
        { kind: 'RETURN', quantity: 3, onHandChange: 3, reservedChange: 0 },
        { kind: 'WRITE_OFF', quantity: 3, onHandChange: -3, reservedChange: 0 },
      ],
    );
  });

  it('keeps the cause with the movement', () => {
    assert.deepEqual(movement('RECEIPT', { ...cause, quantity: 1 }), {
      ...stored,
      kind: 'RECEIPT',
      quantity: 1,
      onHandChange: 1,
      reservedChange: 0,
    });
  });

  it('writes damaged and lost units off, and records other corrections as adjustments', () => {
    const adjust = (delta: number, reason: Parameters<typeof adjustment>[0]['reason']) =>
      adjustment({ ...cause, delta, reason, note: 'n' });
    assert.deepEqual(adjust(-2, 'DAMAGED'), {
      ...stored,
      kind: 'WRITE_OFF',
      quantity: 2,
      onHandChange: -2,
      reservedChange: 0,
      reason: 'DAMAGED',
      note: 'n',
    });
    assert.deepEqual(changes(adjust(-1, 'LOST')), {
      kind: 'WRITE_OFF',
      quantity: 1,
      onHandChange: -1,
      reservedChange: 0,
    });
    assert.deepEqual(
      [adjust(-4, 'COUNT_CORRECTION'), adjust(5, 'FOUND'), adjust(1, 'OTHER')].map(changes),
      [
        { kind: 'ADJUSTMENT', quantity: 4, onHandChange: -4, reservedChange: 0 },
        { kind: 'ADJUSTMENT', quantity: 5, onHandChange: 5, reservedChange: 0 },
        { kind: 'ADJUSTMENT', quantity: 1, onHandChange: 1, reservedChange: 0 },
      ],
    );
  });
});

describe('rebuildStockLevels', () => {
  it('adds the changes up per SKU and warehouse, ordered by SKU then warehouse', () => {
    const at = (sku: string, warehouseId: string) => ({ ...cause, sku, warehouseId });
    const ledger = [
      movement('RECEIPT', { ...at('MUG', 'wh-west'), quantity: 10 }),
      movement('RECEIPT', { ...at('CAP', 'wh-east'), quantity: 4 }),
      movement('RESERVATION', { ...at('MUG', 'wh-west'), quantity: 6 }),
      movement('SALE', { ...at('MUG', 'wh-west'), quantity: 2 }),
      movement('RELEASE', { ...at('MUG', 'wh-west'), quantity: 1 }),
      movement('RETURN', { ...at('MUG', 'wh-west'), quantity: 1 }),
      movement('RECEIPT', { ...at('MUG', 'wh-east'), quantity: 2 }),
      adjustment({ ...at('CAP', 'wh-east'), delta: -1, reason: 'LOST', note: null }),
      adjustment({ ...at('CAP', 'wh-east'), delta: 3, reason: 'FOUND', note: null }),
    ];
    assert.deepEqual(rebuildStockLevels(ledger), [
      { sku: 'CAP', warehouseId: 'wh-east', onHand: 6, reserved: 0 },
      { sku: 'MUG', warehouseId: 'wh-east', onHand: 2, reserved: 0 },
      { sku: 'MUG', warehouseId: 'wh-west', onHand: 9, reserved: 3 },
    ]);
  });

  it('gives nothing for an empty ledger', () => {
    assert.deepEqual(rebuildStockLevels([]), []);
  });
});

describe('low stock', () => {
  it('is low at or below the threshold', () => {
    assert.deepEqual(
      [isLow(6, 5), isLow(5, 5), isLow(0, 0), isLow(1, 0)],
      [false, true, true, false],
    );
  });

  it('becomes low only when crossing down, not while staying low', () => {
    const crossing = (availableBefore: number, availableAfter: number, threshold = 5) =>
      becameLow({
        availableBefore,
        availableAfter,
        thresholdBefore: threshold,
        thresholdAfter: threshold,
      });
    assert.deepEqual(
      [crossing(8, 5), crossing(6, 0), crossing(5, 4), crossing(3, 8), crossing(9, 6)],
      [true, true, false, false, false],
    );
  });

  it('becomes low when a raised threshold reaches the available units', () => {
    const raise = (thresholdBefore: number, thresholdAfter: number) =>
      becameLow({ availableBefore: 7, availableAfter: 7, thresholdBefore, thresholdAfter });
    assert.deepEqual(
      [raise(5, 7), raise(5, 6), raise(8, 10), raise(9, 2)],
      [true, false, false, false],
    );
  });
});
