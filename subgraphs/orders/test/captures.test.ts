import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { captureAmount } from '../src/lifecycle/captures.js';
import { describeShipmentStep, type ShipmentStep } from '../src/lifecycle/shipment-steps.js';

// two tees at 25.00 and a mug at 12.00: subtotal 62.00; 5.00 off, 4.99 shipping, 4.56 tax
const order = {
  subtotal: 6200,
  total: 6200 - 500 + 499 + 456,
  lines: [
    { id: 'tee', unitPrice: 2500, quantity: 2 },
    { id: 'mug', unitPrice: 1200, quantity: 1 },
  ],
};

describe('what each shipment captures', () => {
  it('captures the whole total when one shipment carries everything', () => {
    const shipment = [
      { orderLineId: 'tee', quantity: 2 },
      { orderLineId: 'mug', quantity: 1 },
    ];
    assert.equal(captureAmount({ order, shipment, shippedBefore: [], capturedBefore: 0 }), 6655);
  });

  it('gives a first shipment its lines plus their share of discount, shipping and tax', () => {
    // 5000 * 6655 / 6200 = 5366.93..., rounded half up
    const tees = [{ orderLineId: 'tee', quantity: 2 }];
    assert.equal(
      captureAmount({ order, shipment: tees, shippedBefore: [], capturedBefore: 0 }),
      5367,
    );
    // 1200 * 6655 / 6200 = 1288.06...
    const mug = [{ orderLineId: 'mug', quantity: 1 }];
    assert.equal(
      captureAmount({ order, shipment: mug, shippedBefore: [], capturedBefore: 0 }),
      1288,
    );
  });

  it('lets the shipment that completes the order capture the remainder, summing to the total', () => {
    const first = [{ orderLineId: 'tee', quantity: 2 }];
    const last = [{ orderLineId: 'mug', quantity: 1 }];
    const a = captureAmount({ order, shipment: first, shippedBefore: [], capturedBefore: 0 });
    const b = captureAmount({ order, shipment: last, shippedBefore: first, capturedBefore: a });
    assert.deepEqual([a, b, a + b], [5367, 1288, 6655]);
  });

  it('splits a line shipped from two warehouses by quantity', () => {
    const three = {
      subtotal: 3000,
      total: 3301,
      lines: [{ id: 'sock', unitPrice: 1000, quantity: 3 }],
    };
    const one = [{ orderLineId: 'sock', quantity: 1 }];
    // 1000 * 3301 / 3000 = 1100.33...; then 1100.33... again; the last takes 1101
    const a = captureAmount({ order: three, shipment: one, shippedBefore: [], capturedBefore: 0 });
    const b = captureAmount({ order: three, shipment: one, shippedBefore: one, capturedBefore: a });
    const c = captureAmount({
      order: three,
      shipment: one,
      shippedBefore: [...one, ...one],
      capturedBefore: a + b,
    });
    assert.deepEqual([a, b, c], [1100, 1100, 1101]);
  });

  it('rounds an exact half up', () => {
    const halves = { subtotal: 2, total: 3, lines: [{ id: 'x', unitPrice: 1, quantity: 2 }] };
    const one = [{ orderLineId: 'x', quantity: 1 }];
    assert.equal(
      captureAmount({ order: halves, shipment: one, shippedBefore: [], capturedBefore: 0 }),
      2,
    );
    assert.equal(
      captureAmount({ order: halves, shipment: one, shippedBefore: one, capturedBefore: 2 }),
      1,
    );
  });

  it('never captures more than is left, and nothing of a free order', () => {
    const small = { subtotal: 300, total: 2, lines: [{ id: 'x', unitPrice: 100, quantity: 3 }] };
    const one = [{ orderLineId: 'x', quantity: 1 }];
    assert.equal(
      captureAmount({ order: small, shipment: one, shippedBefore: [], capturedBefore: 2 }),
      0,
    );
    const free = { subtotal: 0, total: 0, lines: [{ id: 'x', unitPrice: 0, quantity: 2 }] };
    assert.equal(
      captureAmount({ order: free, shipment: one, shippedBefore: [], capturedBefore: 0 }),
      0,
    );
  });

  it('stays exact where floating point would not', () => {
    const big = {
      subtotal: 9_000_000_000,
      total: 9_000_000_001,
      lines: [{ id: 'x', unitPrice: 3_000_000_000, quantity: 3 }],
    };
    const one = [{ orderLineId: 'x', quantity: 1 }];
    assert.equal(
      captureAmount({ order: big, shipment: one, shippedBefore: [], capturedBefore: 0 }),
      3_000_000_000,
    );
  });
});

describe('shipment steps on the timeline', () => {
  const from = { warehouseId: 'wh-east', warehouseCode: 'EAST' };
  const cases: [ShipmentStep, string][] = [
    [{ ...from, status: 'PENDING' }, 'Shipment from EAST is being prepared'],
    [{ ...from, status: 'PICKING' }, 'Shipment from EAST is being picked'],
    [{ ...from, status: 'PACKED' }, 'Shipment from EAST is packed'],
    [
      { ...from, status: 'SHIPPED', carrierCode: 'UPS', trackingNumber: '1Z999AA10123456784' },
      'Shipment from EAST shipped with UPS, tracking 1Z999AA10123456784',
    ],
    [{ ...from, status: 'IN_TRANSIT', location: 'Memphis, TN' }, 'In transit (Memphis, TN)'],
    [{ ...from, status: 'OUT_FOR_DELIVERY' }, 'Out for delivery'],
    [{ ...from, status: 'DELIVERED', description: 'Left at door' }, 'Delivered'],
    [{ ...from, status: 'FAILED_ATTEMPT' }, 'Delivery attempt failed'],
    [
      { ...from, status: 'EXCEPTION', description: 'Damaged label' },
      'Delivery problem: Damaged label',
    ],
    [{ ...from, status: 'RETURNED_TO_SENDER' }, 'Returned to sender'],
    [{ ...from, status: 'CANCELLED' }, 'Shipment from EAST cancelled'],
    [{ warehouseId: 'wh-9', status: 'PACKED' }, 'Shipment from wh-9 is packed'],
  ];
  for (const [payload, message] of cases) {
    it(`says "${message}"`, () => assert.equal(describeShipmentStep(payload), message));
  }
});
