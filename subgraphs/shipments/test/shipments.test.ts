import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { viewers } from '@ordergraph/shared/testing';
import { canSeeShipment, trackingUrlFor, visibleShipment } from '../src/shipments.js';
import { ADA, GRACE } from './fixtures.js';

const shipped = { customerId: ADA, carrierCode: 'ups' };
const pending = { customerId: ADA, carrierCode: null };

describe('who may see a shipment', () => {
  it('shows a shipment to its customer and to no other customer', () => {
    assert.equal(canSeeShipment(viewers.customer(ADA), shipped), true);
    assert.equal(canSeeShipment(viewers.customer(GRACE), shipped), false);
  });

  it('shows every shipment to staff, admins, services and the warehouse', () => {
    for (const viewer of [
      viewers.staff(),
      viewers.withRoles('admin-1', ['admin']),
      viewers.service('orders'),
      viewers.warehouse(),
    ]) {
      assert.equal(canSeeShipment(viewer, pending), true, viewer.roles.join());
    }
  });

  it('shows a carrier only the shipments it carries', () => {
    assert.equal(canSeeShipment(viewers.carrier('ups'), shipped), true);
    assert.equal(canSeeShipment(viewers.carrier('fedex'), shipped), false);
    assert.equal(canSeeShipment(viewers.carrier('ups'), pending), false);
    assert.equal(canSeeShipment(viewers.withRoles('carrier-x', ['carrier']), pending), false);
  });

  it('shows nothing to an anonymous caller, nor to a customer id without the customer role', () => {
    assert.equal(canSeeShipment(viewers.anonymous(), shipped), false);
    assert.equal(canSeeShipment(viewers.withRoles(ADA, []), shipped), false);
  });

  it('visibleShipment passes a visible shipment through and hides the rest', () => {
    assert.equal(visibleShipment(viewers.customer(ADA), shipped), shipped);
    assert.equal(visibleShipment(viewers.customer(GRACE), shipped), null);
    assert.equal(visibleShipment(viewers.staff(), null), null);
  });
});

describe('tracking URLs', () => {
  it('puts the URL-encoded tracking number into the carrier template', () => {
    assert.equal(
      trackingUrlFor('https://www.ups.com/track?tracknum={trackingNumber}', '1Z 999&AA1'),
      'https://www.ups.com/track?tracknum=1Z%20999%26AA1',
    );
  });
});
