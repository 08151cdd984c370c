import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateShipInput, validateTrackingInput } from '../src/shipment-inputs.js';
import { CARRIER_STATUSES, hasPassed, type ShipmentStatus } from '../src/shipment-status.js';
import {
  decideTracking,
  generateTrackingNumber,
  isTrackingNumber,
  trackingDedupeKey,
  type CarrierReport,
} from '../src/tracking.js';

const at = (iso: string) => new Date(iso);

describe('hasPassed', () => {
  it('knows which reported statuses a shipment has already been through', () => {
    assert.equal(hasPassed('DELIVERED', 'IN_TRANSIT'), true);
    assert.equal(hasPassed('OUT_FOR_DELIVERY', 'IN_TRANSIT'), true);
    assert.equal(hasPassed('IN_TRANSIT', 'IN_TRANSIT'), true);
    assert.equal(hasPassed('RETURNED_TO_SENDER', 'OUT_FOR_DELIVERY'), true);
    assert.equal(hasPassed('SHIPPED', 'FAILED_ATTEMPT'), false);
    assert.equal(hasPassed('RETURNED_TO_SENDER', 'DELIVERED'), false);
    assert.equal(hasPassed('PACKED', 'IN_TRANSIT'), false);
    assert.equal(hasPassed('CANCELLED', 'DELIVERED'), false);
  });
});

describe('decideTracking', () => {
  const decide = (
    current: ShipmentStatus,
    status: CarrierReport['status'],
    occurredAt: string,
    statusReportedAt: string | null = null,
  ) =>
    decideTracking({
      current,
      statusReportedAt: statusReportedAt ? at(statusReportedAt) : null,
      report: { status, occurredAt: at(occurredAt) },
    });

  it('moves the status for a newer report the life cycle allows', () => {
    assert.deepEqual(decide('SHIPPED', 'IN_TRANSIT', '2026-11-21T00:00:00Z'), { kind: 'move' });
    assert.deepEqual(
      decide('IN_TRANSIT', 'DELIVERED', '2026-11-22T00:00:00Z', '2026-11-21T00:00:00Z'),
      { kind: 'move' },
    );
  });

  it('keeps a report older than the one that set the status as history, whatever it says', () => {
    assert.deepEqual(
      decide('DELIVERED', 'OUT_FOR_DELIVERY', '2026-11-21T00:00:00Z', '2026-11-22T00:00:00Z'),
      { kind: 'history' },
    );
    assert.deepEqual(
      decide('IN_TRANSIT', 'EXCEPTION', '2026-11-20T00:00:00Z', '2026-11-21T00:00:00Z'),
      { kind: 'history' },
    );
  });

  it('never moves a delivered shipment back: a later scan of an earlier step is history', () => {
    assert.deepEqual(
      decide('DELIVERED', 'IN_TRANSIT', '2026-11-23T00:00:00Z', '2026-11-22T00:00:00Z'),
      { kind: 'history' },
    );
  });

  it('refuses a newer report the shipment cannot reach from where it is', () => {
    assert.deepEqual(
      decide('DELIVERED', 'RETURNED_TO_SENDER', '2026-11-23T00:00:00Z', '2026-11-22T00:00:00Z'),
      {
        __typename: 'InvalidTransitionError',
        message: 'A shipment cannot go from DELIVERED to RETURNED_TO_SENDER: DELIVERED is final.',
        from: 'DELIVERED',
        to: 'RETURNED_TO_SENDER',
      },
    );
    assert.equal(
      (decide('SHIPPED', 'FAILED_ATTEMPT', '2026-11-21T00:00:00Z') as { to: string }).to,
      'FAILED_ATTEMPT',
    );
  });

  it('does not compare a report with the time the warehouse set the status', () => {
    // the carrier's pickup scan may carry a time a little before the warehouse's hand-over
    assert.deepEqual(decide('SHIPPED', 'IN_TRANSIT', '2000-01-01T00:00:00Z', null), {
      kind: 'move',
    });
  });
});

describe('tracking numbers and dedupe keys', () => {
  it('generates the carrier code and twelve digits', () => {
    let next = 0;
    assert.equal(
      generateTrackingNumber('ogx', () => next++ % 10),
      'OGX-012345678901',
    );
    assert.match(generateTrackingNumber('ups'), /^UPS-\d{12}$/);
    assert.ok(isTrackingNumber(generateTrackingNumber('fedex')));
  });

  it('gives the same report the same key, and any difference another', () => {
    const report: CarrierReport = {
      status: 'IN_TRANSIT',
      description: 'Departed facility',
      location: 'Louisville, KY, US',
      occurredAt: at('2026-11-21T03:00:00Z'),
    };
    const key = trackingDedupeKey(report);
    assert.equal(trackingDedupeKey({ ...report, occurredAt: at('2026-11-21T03:00:00.000Z') }), key);
    for (const change of [
      { status: 'OUT_FOR_DELIVERY' as const },
      { description: 'Arrived at facility' },
      { location: null },
      { occurredAt: at('2026-11-21T03:00:01Z') },
    ]) {
      assert.notEqual(trackingDedupeKey({ ...report, ...change }), key, JSON.stringify(change));
    }
  });
});

describe('input checks', () => {
  const tracking = {
    carrierCode: ' UPS ',
    trackingNumber: ' 1z-9 ',
    status: 'IN_TRANSIT' as ShipmentStatus,
    description: ' Departed ',
    location: '  ',
    occurredAt: '2026-11-21T03:00:00.000Z',
    idempotencyKey: 'k',
  };
  const now = at('2026-11-22T00:00:00Z');

  it('normalises a carrier report', () => {
    assert.deepEqual(validateTrackingInput({ ...tracking, trackingNumber: ' 1z-99 ' }, now), {
      carrierCode: 'ups',
      trackingNumber: '1Z-99',
      report: {
        status: 'IN_TRANSIT',
        description: 'Departed',
        location: null,
        occurredAt: at('2026-11-21T03:00:00Z'),
      },
    });
  });

  const refused: [string, Partial<typeof tracking>, string, string][] = [
    [
      'a warehouse status',
      { status: 'PACKED' },
      `A carrier reports one of ${CARRIER_STATUSES.join(', ')}.`,
      'status',
    ],
    ['an empty description', { description: ' ' }, 'description must not be empty.', 'description'],
    [
      'a long location',
      { location: 'x'.repeat(201) },
      'location must be at most 200 characters.',
      'location',
    ],
    [
      'a report from the future',
      { occurredAt: '2026-11-23T00:00:01.000Z' },
      'occurredAt must not be in the future.',
      'occurredAt',
    ],
    [
      'a malformed tracking number',
      { trackingNumber: 'a b' },
      'trackingNumber must be 4 to 40 letters, digits or dashes.',
      'trackingNumber',
    ],
  ];
  for (const [what, change, message, field] of refused) {
    it(`refuses ${what}`, () => {
      assert.deepEqual(
        validateTrackingInput({ ...tracking, trackingNumber: '1Z-99', ...change }, now),
        { __typename: 'InvalidInputError', message, field },
      );
    });
  }

  it('normalises a hand-over and leaves the tracking number to be generated', () => {
    assert.deepEqual(validateShipInput({ carrierCode: 'DHL', idempotencyKey: 'k' }), {
      carrierCode: 'dhl',
      trackingNumber: null,
    });
  });
});
