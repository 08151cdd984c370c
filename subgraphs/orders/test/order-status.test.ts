import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { viewers } from '@ordergraph/shared/testing';
import { ORDER_STATUSES, PAYMENT_STATUSES, type OrderStatus } from '../src/db/schema.js';
import {
  allowedActions,
  canMoveOrder,
  canMovePayment,
  mayCancel,
  orderStatusFromShipments,
} from '../src/lifecycle/order-status.js';
import { ADA, GRACE } from './support.js';

// the whole life of an order written out once more, move by move, so that a change to the
// table shows up here as a deliberate one
const ORDER_MOVES = new Set([
  'CONFIRMED>PROCESSING',
  'CONFIRMED>CANCELLED',
  'PROCESSING>PARTIALLY_SHIPPED',
  'PROCESSING>SHIPPED',
  'PROCESSING>CANCELLED',
  'PARTIALLY_SHIPPED>SHIPPED',
  'PARTIALLY_SHIPPED>DELIVERED',
  'SHIPPED>DELIVERED',
  'DELIVERED>PARTIALLY_RETURNED',
  'DELIVERED>RETURNED',
  'PARTIALLY_RETURNED>RETURNED',
]);

const PAYMENT_MOVES = new Set([
  'AUTHORIZED>CAPTURED',
  'AUTHORIZED>VOIDED',
  'CAPTURED>PARTIALLY_REFUNDED',
  'CAPTURED>REFUNDED',
  'PARTIALLY_REFUNDED>REFUNDED',
]);

describe('the order state machine', () => {
  for (const from of ORDER_STATUSES) {
    for (const to of ORDER_STATUSES) {
      const allowed = ORDER_MOVES.has(`${from}>${to}`);
      it(`${allowed ? 'allows' : 'refuses'} ${from} -> ${to}`, () => {
        assert.equal(canMoveOrder(from, to), allowed);
      });
    }
  }
});

describe('the payment state machine', () => {
  for (const from of PAYMENT_STATUSES) {
    for (const to of PAYMENT_STATUSES) {
      const allowed = PAYMENT_MOVES.has(`${from}>${to}`);
      it(`${allowed ? 'allows' : 'refuses'} ${from} -> ${to}`, () => {
        assert.equal(canMovePayment(from, to), allowed);
      });
    }
  }
});

describe('the order status its shipments add up to', () => {
  const cases: [string[], OrderStatus | null][] = [
    [[], null],
    [['CANCELLED', 'CANCELLED'], null],
    [['PENDING', 'PENDING'], 'CONFIRMED'],
    [['PICKING', 'PENDING'], 'PROCESSING'],
    [['PACKED'], 'PROCESSING'],
    [['SHIPPED', 'PACKED'], 'PARTIALLY_SHIPPED'],
    [['DELIVERED', 'PENDING'], 'PARTIALLY_SHIPPED'],
    [['SHIPPED', 'IN_TRANSIT'], 'SHIPPED'],
    [['OUT_FOR_DELIVERY', 'FAILED_ATTEMPT', 'EXCEPTION'], 'SHIPPED'],
    [['DELIVERED', 'RETURNED_TO_SENDER'], 'SHIPPED'],
    [['DELIVERED', 'IN_TRANSIT'], 'SHIPPED'],
    [['DELIVERED', 'DELIVERED'], 'DELIVERED'],
    [['DELIVERED', 'CANCELLED'], 'DELIVERED'],
    [['SHIPPED', 'CANCELLED'], 'SHIPPED'],
  ];
  for (const [statuses, expected] of cases) {
    it(`makes [${statuses.join(', ')}] ${expected ?? 'say nothing'}`, () => {
      assert.equal(orderStatusFromShipments(statuses), expected);
    });
  }
});

describe('what a viewer may do to an order', () => {
  const adas = (status: OrderStatus) => ({ status, customerId: ADA });
  const expected: Record<OrderStatus, { owner: string[]; staff: string[] }> = {
    CONFIRMED: { owner: ['CANCEL'], staff: ['CANCEL'] },
    PROCESSING: { owner: [], staff: ['CANCEL'] },
    PARTIALLY_SHIPPED: { owner: [], staff: [] },
    SHIPPED: { owner: [], staff: [] },
    DELIVERED: { owner: ['REQUEST_RETURN'], staff: ['REQUEST_RETURN'] },
    CANCELLED: { owner: [], staff: [] },
    PARTIALLY_RETURNED: { owner: ['REQUEST_RETURN'], staff: ['REQUEST_RETURN'] },
    RETURNED: { owner: [], staff: [] },
  };
  for (const status of ORDER_STATUSES) {
    it(`lists the actions on a ${status} order for each viewer`, () => {
      assert.deepEqual(
        {
          owner: allowedActions(viewers.customer(ADA), adas(status)),
          staff: allowedActions(viewers.staff(), adas(status)),
          admin: allowedActions(viewers.withRoles('admin-1', ['admin']), adas(status)),
          otherCustomer: allowedActions(viewers.customer(GRACE), adas(status)),
          warehouse: allowedActions(viewers.warehouse(), adas(status)),
          service: allowedActions(viewers.service(), adas(status)),
          anonymous: allowedActions(viewers.anonymous(), adas(status)),
        },
        {
          ...expected[status],
          admin: expected[status].staff,
          otherCustomer: [],
          warehouse: [],
          service: [],
          anonymous: [],
        },
      );
      assert.equal(
        mayCancel(viewers.customer(ADA), adas(status)),
        expected[status].owner.includes('CANCEL'),
      );
    });
  }
});
