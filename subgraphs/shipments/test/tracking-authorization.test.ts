import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Viewer } from '@ordergraph/shared';
import { startTestSubgraph, viewers, type TestSubgraph } from '@ordergraph/shared/testing';
import { createServer, migrationsFolder } from '../src/server.js';
import { ADA } from './fixtures.js';
import { mutate, scan, shipParcel, snapshot } from './support.js';

let subgraph: TestSubgraph;
before(async () => {
  subgraph = await startTestSubgraph({
    name: 'shipments_tracking_auth',
    migrationsFolder,
    createServer,
  });
});
after(() => subgraph.stop());

const shipped = () => shipParcel(subgraph);

describe('who may record tracking events', () => {
  const refusals: [string, Viewer, string, string][] = [
    [
      'another carrier, naming the parcel’s carrier',
      viewers.carrier('fedex'),
      'FORBIDDEN',
      'A carrier may only report on its own parcels.',
    ],
    [
      'a carrier without a carrier code',
      viewers.withRoles('carrier-x', ['carrier']),
      'FORBIDDEN',
      'A carrier may only report on its own parcels.',
    ],
    [
      'a customer',
      viewers.customer(ADA),
      'FORBIDDEN',
      'Only the carrier or staff may record tracking events.',
    ],
    [
      'the warehouse',
      viewers.warehouse(),
      'FORBIDDEN',
      'Only the carrier or staff may record tracking events.',
    ],
    ['an anonymous caller', viewers.anonymous(), 'UNAUTHENTICATED', 'You must be signed in.'],
  ];
  for (const [who, viewer, code, message] of refusals) {
    it(`refuses ${who} and changes nothing`, async () => {
      const parcel = await shipped();
      const before = await snapshot(subgraph.handle, parcel.id);
      const response = await mutate(
        subgraph.url,
        'recordTrackingEvent',
        scan(parcel, 'IN_TRANSIT', '2026-11-21T03:00:00.000Z'),
        viewer,
      );
      assert.deepEqual(
        {
          data: response.data,
          errors: response.errors?.map((e) => ({ message: e.message, code: e.extensions?.code })),
        },
        { data: null, errors: [{ message, code }] },
      );
      assert.deepEqual(await snapshot(subgraph.handle, parcel.id), before);
    });
  }
});
