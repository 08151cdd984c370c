import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateDataset } from '../src/data/dataset.js';
import { shippingFor } from '../src/data/model.js';
import { percentile, sameJson } from '../src/load/verify.js';

const scale = { customers: 300, variants: 80, orders: 2_000 };

describe('the benchmark data set', () => {
  it('is the same on every generation', () => {
    const first = generateDataset(scale);
    const second = generateDataset(scale);
    assert.equal(first.fingerprint, second.fingerprint);
    assert.deepEqual(first.orders.slice(0, 50), second.orders.slice(0, 50));
    assert.deepEqual([...first.stockBySku.entries()], [...second.stockBySku.entries()]);
  });

  it('prices every order from its lines and the shipping rate', () => {
    const { orders, variantBySku } = generateDataset(scale);
    for (const order of orders) {
      assert.ok(order.lines.length >= 1 && order.lines.length <= 8);
      for (const line of order.lines) {
        assert.equal(line.unitPrice, variantBySku.get(line.sku)!.price);
        assert.equal(line.total, line.unitPrice * line.quantity);
      }
      const subtotal = order.lines.reduce((sum, line) => sum + line.total, 0);
      assert.equal(order.total, subtotal + shippingFor(subtotal));
    }
  });

  it('keeps the buyers and their SKUs apart from the orders the queries read', () => {
    const { orders, buyers, buyableSkus } = generateDataset(scale);
    const buyerIds = new Set(buyers.map((buyer) => buyer.id));
    const buyable = new Set(buyableSkus);
    for (const order of orders) {
      assert.ok(!buyerIds.has(order.customerId));
      for (const line of order.lines) assert.ok(!buyable.has(line.sku));
    }
  });

  it('lists each customer’s orders newest first', () => {
    const { ordersByCustomer } = generateDataset(scale);
    for (const list of ordersByCustomer.values()) {
      for (let i = 1; i < list.length; i++) {
        assert.ok(list[i - 1]!.placedAt > list[i]!.placedAt);
      }
    }
  });
});

describe('response checks', () => {
  it('accept the same JSON in another key order, and nothing else', () => {
    const expected = JSON.stringify({ data: { a: 1, b: { c: [1, 2] } } });
    assert.ok(sameJson('{"data":{"b":{"c":[1,2]},"a":1}}', expected));
    assert.ok(!sameJson('{"data":{"a":1,"b":{"c":[2,1]}}}', expected));
    assert.ok(!sameJson('{"data":{"a":1}}', expected));
    assert.ok(!sameJson('not json', expected));
  });

  it('take percentiles by nearest rank', () => {
    const values = Float64Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(percentile(values, 50), 50);
    assert.equal(percentile(values, 95), 95);
    assert.equal(percentile(values, 99), 99);
    assert.equal(percentile(new Float64Array(), 99), 0);
  });
});
