import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  canTransition,
  checkTransition,
  isFinalStatus,
  isShipmentStatus,
  nextStatuses,
  SHIPMENT_STATUSES,
  type ShipmentStatus,
} from '../src/shipment-status.js';

// the life cycle as the product describes it, written out independently of the source table
const EXPECTED: Record<ShipmentStatus, ShipmentStatus[]> = {
  PENDING: ['PICKING', 'CANCELLED'],
  PICKING: ['PACKED', 'CANCELLED'],
  PACKED: ['SHIPPED', 'CANCELLED'],
  SHIPPED: ['IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED', 'EXCEPTION'],
  IN_TRANSIT: [
    'OUT_FOR_DELIVERY',
    'DELIVERED',
    'FAILED_ATTEMPT',
    'EXCEPTION',
    'RETURNED_TO_SENDER',
  ],
  OUT_FOR_DELIVERY: ['DELIVERED', 'FAILED_ATTEMPT', 'EXCEPTION'],
  FAILED_ATTEMPT: [
    'OUT_FOR_DELIVERY',
    'IN_TRANSIT',
    'DELIVERED',
    'RETURNED_TO_SENDER',
    'EXCEPTION',
  ],
  EXCEPTION: ['IN_TRANSIT', 'OUT_FOR_DELIVERY', 'RETURNED_TO_SENDER', 'DELIVERED'],
  DELIVERED: [],
  RETURNED_TO_SENDER: [],
  CANCELLED: [],
};

describe('shipment status machine', () => {
  it('knows the eleven statuses of the API, in life-cycle order', () => {
    assert.deepEqual(SHIPMENT_STATUSES, [
      'PENDING',
      'PICKING',
      'PACKED',
      'SHIPPED',
      'IN_TRANSIT',
      'OUT_FOR_DELIVERY',
      'DELIVERED',
      'FAILED_ATTEMPT',
      'EXCEPTION',
      'RETURNED_TO_SENDER',
      'CANCELLED',
    ]);
  });

  it('lists the next statuses of every status exactly as the life cycle says', () => {
    for (const from of SHIPMENT_STATUSES) {
      assert.deepEqual(nextStatuses(from), EXPECTED[from], from);
    }
  });

  it('allows exactly the listed moves, for every pair of statuses', () => {
    for (const from of SHIPMENT_STATUSES) {
      for (const to of SHIPMENT_STATUSES) {
        assert.equal(canTransition(from, to), EXPECTED[from].includes(to), `${from} -> ${to}`);
      }
    }
  });

  it('walks the happy path from PENDING to DELIVERED', () => {
    const path: ShipmentStatus[] = [
      'PENDING',
      'PICKING',
      'PACKED',
      'SHIPPED',
      'IN_TRANSIT',
      'OUT_FOR_DELIVERY',
      'DELIVERED',
    ];
    for (let i = 1; i < path.length; i++) assert.ok(canTransition(path[i - 1]!, path[i]!));
  });

  it('cancels only before the parcel is shipped', () => {
    const cancellable = SHIPMENT_STATUSES.filter((from) => canTransition(from, 'CANCELLED'));
    assert.deepEqual(cancellable, ['PENDING', 'PICKING', 'PACKED']);
  });

  it('never skips the warehouse: nothing reaches SHIPPED but PACKED', () => {
    assert.deepEqual(
      SHIPMENT_STATUSES.filter((from) => canTransition(from, 'SHIPPED')),
      ['PACKED'],
    );
    assert.equal(canTransition('PENDING', 'PACKED'), false);
  });

  it('treats DELIVERED, RETURNED_TO_SENDER and CANCELLED as final', () => {
    assert.deepEqual(SHIPMENT_STATUSES.filter(isFinalStatus), [
      'DELIVERED',
      'RETURNED_TO_SENDER',
      'CANCELLED',
    ]);
    assert.equal(canTransition('DELIVERED', 'IN_TRANSIT'), false);
  });

  it('never moves a status to itself', () => {
    for (const status of SHIPMENT_STATUSES) assert.equal(canTransition(status, status), false);
  });

  it('reaches every status from PENDING', () => {
    const seen = new Set<ShipmentStatus>(['PENDING']);
    const queue: ShipmentStatus[] = ['PENDING'];
    while (queue.length > 0) {
      for (const next of nextStatuses(queue.shift()!)) {
        if (seen.has(next)) continue;
        seen.add(next);
        queue.push(next);
      }
    }
    assert.equal(seen.size, SHIPMENT_STATUSES.length);
  });

  it('recognises status names and nothing else', () => {
    assert.equal(isShipmentStatus('IN_TRANSIT'), true);
    assert.equal(isShipmentStatus('in_transit'), false);
    assert.equal(isShipmentStatus('LOST'), false);
    assert.equal(isShipmentStatus('toString'), false);
  });

  it('returns no error for an allowed move and an InvalidTransitionError otherwise', () => {
    assert.equal(checkTransition('PACKED', 'SHIPPED'), null);
    assert.deepEqual(checkTransition('PENDING', 'SHIPPED'), {
      __typename: 'InvalidTransitionError',
      message:
        'A shipment cannot go from PENDING to SHIPPED: from PENDING it may go to PICKING, CANCELLED.',
      from: 'PENDING',
      to: 'SHIPPED',
    });
    assert.deepEqual(checkTransition('DELIVERED', 'EXCEPTION'), {
      __typename: 'InvalidTransitionError',
      message: 'A shipment cannot go from DELIVERED to EXCEPTION: DELIVERED is final.',
      from: 'DELIVERED',
      to: 'EXCEPTION',
    });
  });
});
