import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMoney, toMoney } from '../src/money.js';

describe('money', () => {
  it('formats minor units with the currency minor digits', () => {
    assert.deepEqual(toMoney(1990, 'USD'), { amount: '19.90', currencyCode: 'USD' });
    assert.deepEqual(toMoney(5, 'EUR'), { amount: '0.05', currencyCode: 'EUR' });
    assert.deepEqual(toMoney(1200, 'JPY'), { amount: '1200', currencyCode: 'JPY' });
    assert.deepEqual(toMoney(-250, 'USD'), { amount: '-2.50', currencyCode: 'USD' });
  });

  it('parses decimal strings to minor units and refuses anything else', () => {
    assert.equal(parseMoney({ amount: '19.90', currencyCode: 'USD' }), 1990);
    assert.equal(parseMoney({ amount: '19.9', currencyCode: 'USD' }), 1990);
    assert.equal(parseMoney({ amount: '7', currencyCode: 'USD' }), 700);
    assert.equal(parseMoney({ amount: '1.234', currencyCode: 'USD' }), null);
    assert.equal(parseMoney({ amount: '-1.00', currencyCode: 'USD' }), null);
    assert.equal(parseMoney({ amount: '1e3', currencyCode: 'USD' }), null);
    assert.equal(parseMoney({ amount: '1.00', currencyCode: 'usd' }), null);
    assert.equal(parseMoney({ amount: '1.5', currencyCode: 'JPY' }), null);
  });
});
