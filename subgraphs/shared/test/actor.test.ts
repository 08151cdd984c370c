import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { actorOf, readActor, systemActor } from '../src/actor.js';

describe('actorOf', () => {
  it('names who acts, from the signed identity', () => {
    assert.deepEqual(actorOf({ subject: 'c-1', roles: ['customer'] }), {
      kind: 'CUSTOMER',
      id: 'c-1',
      name: null,
    });
    assert.deepEqual(actorOf({ subject: 'staff-1', roles: ['staff'], name: 'Sam' }), {
      kind: 'STAFF',
      id: 'staff-1',
      name: 'Sam',
    });
    assert.deepEqual(actorOf({ subject: 'admin-1', roles: ['admin'] }).kind, 'STAFF');
    assert.deepEqual(actorOf({ subject: 'picker-1', roles: ['warehouse'] }), {
      kind: 'WAREHOUSE',
      id: 'picker-1',
      name: null,
    });
    // a carrier is its code, by token or by API key, in the stored spelling
    assert.deepEqual(
      actorOf({
        subject: null,
        roles: ['carrier'],
        carrierCode: 'FASTSHIP',
        client: 'carrier-fastship',
      }),
      { kind: 'CARRIER', id: 'fastship', name: 'carrier-fastship' },
    );
    assert.deepEqual(actorOf({ subject: null, roles: ['staff'], client: 'partner-acme' }), {
      kind: 'PARTNER',
      id: 'partner-acme',
      name: 'partner-acme',
    });
    // a user signed in through a partner's key is still the user
    assert.deepEqual(
      actorOf({ subject: 'c-1', roles: ['customer'], client: 'partner-acme' }).kind,
      'CUSTOMER',
    );
    assert.deepEqual(actorOf({ subject: 'orders', roles: ['service'] }), systemActor('orders'));
  });
});

describe('readActor', () => {
  it('reads a stored actor, or falls back for records made before actors were kept', () => {
    const fallback = systemActor('orders');
    assert.deepEqual(readActor({ kind: 'STAFF', id: 's-1', name: '' }, fallback), {
      kind: 'STAFF',
      id: 's-1',
      name: null,
    });
    assert.deepEqual(readActor(undefined, fallback), fallback);
    assert.deepEqual(readActor({ kind: 'ROBOT' }, fallback), fallback);
  });
});
