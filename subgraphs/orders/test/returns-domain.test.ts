import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { viewers } from '@ordergraph/shared/testing';
import { RETURN_STATUSES, type ReturnStatus } from '../src/db/schema.js';
import {
  orderStatusAfterReturns,
  paymentStatusAfterRefunds,
} from '../src/returns/return-effects.js';
import {
  allowedReturnActions,
  checkReturnable,
  checkReturnTransition,
  divideHalfUp,
  refundValue,
  returnableQuantities,
  spreadRefund,
} from '../src/returns/returns.js';

const ALLOWED: [ReturnStatus, ReturnStatus][] = [
  ['REQUESTED', 'APPROVED'],
  ['REQUESTED', 'REJECTED'],
  ['APPROVED', 'RECEIVED'],
  ['RECEIVED', 'REFUNDED'],
];

describe('the return state machine', () => {
  for (const from of RETURN_STATUSES) {
    for (const to of RETURN_STATUSES) {
      const allowed = ALLOWED.some(([a, b]) => a === from && b === to);
      it(`${allowed ? 'allows' : 'refuses'} ${from} -> ${to}`, () => {
        assert.deepEqual(
          checkReturnTransition(from, to),
          allowed
            ? null
            : {
                __typename: 'InvalidReturnTransitionError',
                message: `A ${from.toLowerCase()} return cannot become ${to.toLowerCase()}.`,
                from,
                to,
              },
        );
      });
    }
  }

  it('offers each role only the moves it may make from the current status', () => {
    const staff = viewers.staff();
    const warehouse = viewers.warehouse();
    const customer = viewers.customer('00000000-0000-4000-8000-000000000001');
    assert.deepEqual(allowedReturnActions('REQUESTED', staff), ['APPROVE', 'REJECT']);
    assert.deepEqual(allowedReturnActions('REQUESTED', warehouse), []);
    assert.deepEqual(allowedReturnActions('APPROVED', warehouse), ['RECEIVE']);
    assert.deepEqual(allowedReturnActions('APPROVED', staff), ['RECEIVE']);
    assert.deepEqual(allowedReturnActions('RECEIVED', staff), ['REFUND']);
    assert.deepEqual(allowedReturnActions('RECEIVED', customer), []);
    assert.deepEqual(allowedReturnActions('REFUNDED', staff), []);
    assert.deepEqual(allowedReturnActions('REJECTED', staff), []);
  });
});

const DAY = 86_400_000;
const now = new Date('2026-06-30T12:00:00.000Z');
const ago = (days: number) => new Date(now.getTime() - days * DAY);

describe('returnable quantities', () => {
  it('counts units delivered within the window, less those already in returns', () => {
    const returnable = returnableQuantities({
      lineIds: ['a', 'b', 'c'],
      deliveries: [
        { orderLineId: 'a', quantity: 2, deliveredAt: ago(40) },
        { orderLineId: 'a', quantity: 2, deliveredAt: ago(1) },
        { orderLineId: 'c', quantity: 3, deliveredAt: ago(30) },
      ],
      returned: new Map([
        ['a', 1],
        ['c', 1],
      ]),
      now,
      windowDays: 30,
    });
    assert.deepEqual(
      [...returnable],
      [
        ['a', { delivered: 4, inWindow: 2, returnable: 2 }],
        ['b', { delivered: 0, inWindow: 0, returnable: 0 }],
        ['c', { delivered: 3, inWindow: 3, returnable: 2 }],
      ],
    );
  });

  it('never goes below zero when more is in returns than is still in the window', () => {
    const returnable = returnableQuantities({
      lineIds: ['a'],
      deliveries: [{ orderLineId: 'a', quantity: 2, deliveredAt: ago(1) }],
      returned: new Map([['a', 2]]),
      now,
      windowDays: 30,
    });
    assert.deepEqual(returnable.get('a'), { delivered: 2, inWindow: 2, returnable: 0 });
  });

  const returnable = returnableQuantities({
    lineIds: ['new', 'old', 'none'],
    deliveries: [
      { orderLineId: 'new', quantity: 2, deliveredAt: ago(2) },
      { orderLineId: 'old', quantity: 2, deliveredAt: ago(31) },
    ],
    returned: new Map(),
    now,
    windowDays: 30,
  });

  it('accepts units that may go back', () => {
    assert.equal(checkReturnable([{ orderLineId: 'new', quantity: 2 }], returnable, 30), null);
  });

  it('says why units may not go back, naming the line', () => {
    assert.deepEqual(checkReturnable([{ orderLineId: 'none', quantity: 1 }], returnable, 30), {
      __typename: 'ReturnNotAllowedError',
      message: 'Only delivered items can be returned.',
      reason: 'NOT_DELIVERED',
      orderLineId: 'none',
      returnable: 0,
    });
    assert.deepEqual(checkReturnable([{ orderLineId: 'old', quantity: 1 }], returnable, 30), {
      __typename: 'ReturnNotAllowedError',
      message: 'Items can be returned within 30 days of delivery.',
      reason: 'RETURN_WINDOW_CLOSED',
      orderLineId: 'old',
      returnable: 0,
    });
    assert.deepEqual(checkReturnable([{ orderLineId: 'new', quantity: 3 }], returnable, 30), {
      __typename: 'ReturnNotAllowedError',
      message: 'At most 2 of this line can still be returned.',
      reason: 'QUANTITY_EXCEEDED',
      orderLineId: 'new',
      returnable: 2,
    });
  });
});

describe('refund amounts', () => {
  const plain = { subtotal: 6200, discountTotal: 0, shippingTotal: 500, taxTotal: 0 };

  it('is the unit price times quantity when the order had no discount or tax', () => {
    assert.equal(refundValue(plain, { unitPrice: 2500, quantity: 2 }), 5000);
  });

  it('takes off the share of the discount and adds the share of the tax on the goods', () => {
    // 20 % tax on (10000 - 1000 + 500): 1900, of which 1800 is on the goods
    const totals = { subtotal: 10_000, discountTotal: 1000, shippingTotal: 500, taxTotal: 1900 };
    assert.equal(refundValue(totals, { unitPrice: 2500, quantity: 2 }), 5000 - 500 + 900);
    assert.equal(refundValue(totals, { unitPrice: 5000, quantity: 2 }), 10_000 - 1000 + 1800);
  });

  it('leaves out the shipping and the tax charged on it', () => {
    const totals = { subtotal: 1000, discountTotal: 0, shippingTotal: 1000, taxTotal: 200 };
    assert.equal(refundValue(totals, { unitPrice: 1000, quantity: 1 }), 1100);
  });

  it('rounds each share half up to a minor unit', () => {
    const thirds = { subtotal: 300, discountTotal: 100, shippingTotal: 0, taxTotal: 0 };
    assert.equal(refundValue(thirds, { unitPrice: 100, quantity: 1 }), 67);
    assert.equal(refundValue(thirds, { unitPrice: 100, quantity: 2 }), 133);
    const half = { subtotal: 200, discountTotal: 1, shippingTotal: 0, taxTotal: 0 };
    assert.equal(refundValue(half, { unitPrice: 100, quantity: 1 }), 99);
    assert.equal(divideHalfUp(5n, 2n), 3n);
    assert.equal(divideHalfUp(4n, 3n), 1n);
  });

  it('is nothing for a free order', () => {
    const free = { subtotal: 0, discountTotal: 0, shippingTotal: 0, taxTotal: 0 };
    assert.equal(refundValue(free, { unitPrice: 0, quantity: 3 }), 0);
  });

  it('is exact for amounts past 2^53 in intermediate products', () => {
    const big = {
      subtotal: 900_000_000_000,
      discountTotal: 300_000_000_000,
      shippingTotal: 0,
      taxTotal: 60_000_000_000,
    };
    assert.equal(
      refundValue(big, { unitPrice: 300_000_000_000, quantity: 1 }),
      300_000_000_000 - 100_000_000_000 + 20_000_000_000,
    );
  });

  it('spreads a refund over the captures, oldest first, never above what is left of each', () => {
    const captures = [
      { captureId: 'cap_1', refundable: 1000 },
      { captureId: 'cap_2', refundable: 0 },
      { captureId: 'cap_3', refundable: 3000 },
    ];
    assert.deepEqual(spreadRefund(2500, captures), [
      { captureId: 'cap_1', amount: 1000 },
      { captureId: 'cap_3', amount: 1500 },
    ]);
    assert.deepEqual(spreadRefund(800, captures), [{ captureId: 'cap_1', amount: 800 }]);
    assert.deepEqual(spreadRefund(0, captures), []);
  });
});

describe('the order after its returns', () => {
  const lines = [
    { id: 'a', quantity: 2 },
    { id: 'b', quantity: 1 },
  ];

  it('is RETURNED once every unit is back, PARTIALLY_RETURNED before', () => {
    assert.equal(orderStatusAfterReturns(lines, new Map([['a', 2]])), 'PARTIALLY_RETURNED');
    assert.equal(
      orderStatusAfterReturns(
        lines,
        new Map([
          ['a', 2],
          ['b', 1],
        ]),
      ),
      'RETURNED',
    );
  });

  it('has its payment REFUNDED once all that was captured is paid back', () => {
    assert.equal(paymentStatusAfterRefunds(6700, 5000), 'PARTIALLY_REFUNDED');
    assert.equal(paymentStatusAfterRefunds(6700, 6700), 'REFUNDED');
  });
});
