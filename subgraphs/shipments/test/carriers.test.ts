import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { readEvents, type Viewer } from '@ordergraph/shared';
import {
  subgraphRequest,
  startTestSubgraph,
  viewers,
  type TestSubgraph,
} from '@ordergraph/shared/testing';
import { createServer, migrationsFolder } from '../src/server.js';
import { seedDemoData } from '../src/seed.js';
import { ADA, createShipment, forceStatus } from './fixtures.js';
import { mutate, result } from './support.js';

let subgraph: TestSubgraph;
before(async () => {
  subgraph = await startTestSubgraph({
    name: 'shipments_carriers',
    migrationsFolder,
    createServer,
  });
});
after(() => subgraph.stop());

const CARRIER_FIELDS = 'code name trackingUrlTemplate transitDays active';
const CREATE = `mutation($input: CreateCarrierInput!) { createCarrier(input: $input) {
  __typename
  ... on CreateCarrierSuccess { carrier { ${CARRIER_FIELDS} } }
  ... on CarrierCodeTakenError { message code field }
  ... on InvalidInputError { message field } } }`;
const UPDATE = `mutation($input: UpdateCarrierInput!) { updateCarrier(input: $input) {
  __typename
  ... on UpdateCarrierSuccess { carrier { ${CARRIER_FIELDS} } }
  ... on InvalidInputError { message field } } }`;

const run = async (query: string, input: Record<string, unknown>, viewer: Viewer) => {
  const response = await subgraphRequest(subgraph.url, { query, viewer, variables: { input } });
  return response.errors ? { errors: response.errors } : Object.values(response.data ?? {})[0];
};
const create = (input: Record<string, unknown>, viewer: Viewer = viewers.staff()) =>
  run(CREATE, input, viewer);
const update = (input: Record<string, unknown>, viewer: Viewer = viewers.staff()) =>
  run(UPDATE, input, viewer);

const carrierEvents = async () =>
  (await readEvents(subgraph.handle.db, { streamType: 'carrier', limit: 100 })).map((event) => [
    event.type,
    event.streamId,
  ]);

const template = 'https://track.example.com/parcel/{trackingNumber}';

describe('createCarrier', () => {
  it('adds a carrier with a normalised code, and records the event once however often it is sent', async () => {
    const input = {
      code: ' SpeedyPost ',
      name: ' Speedy Post ',
      trackingUrlTemplate: template,
      transitDays: 2,
      idempotencyKey: 'carrier-1',
    };
    const expected = {
      __typename: 'CreateCarrierSuccess',
      carrier: {
        code: 'speedypost',
        name: 'Speedy Post',
        trackingUrlTemplate: template,
        transitDays: 2,
        active: true,
      },
    };
    assert.deepEqual(await create(input), expected);
    assert.deepEqual(await create(input), expected);
    assert.deepEqual(await carrierEvents(), [['carrier.created', 'speedypost']]);
    assert.deepEqual(await create({ ...input, name: 'Other' }), {
      __typename: 'InvalidInputError',
      message: 'This idempotencyKey was already used with a different input.',
      field: 'idempotencyKey',
    });
    const listed = await subgraphRequest(subgraph.url, {
      query: '{ carriers(active: true) { code } }',
    });
    assert.ok(listed.data?.carriers.some((c: { code: string }) => c.code === 'speedypost'));
  });

  it('refuses a taken code, in any case, and writes nothing', async () => {
    assert.deepEqual(
      await create({
        code: 'UPS',
        name: 'UPS again',
        trackingUrlTemplate: template,
        idempotencyKey: 'carrier-dup',
      }),
      {
        __typename: 'CarrierCodeTakenError',
        message: 'A carrier already has the code ups.',
        code: 'ups',
        field: 'code',
      },
    );
    assert.deepEqual(await carrierEvents(), [['carrier.created', 'speedypost']]);
  });

  it('names the field at fault for bad input', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ code: 'a b' }, 'code'],
      [{ code: 'x' }, 'code'],
      [{ name: ' ' }, 'name'],
      [{ trackingUrlTemplate: 'ftp://example.com/{trackingNumber}' }, 'trackingUrlTemplate'],
      [{ trackingUrlTemplate: 'https://example.com/track' }, 'trackingUrlTemplate'],
      [{ trackingUrlTemplate: 'not a url {trackingNumber}' }, 'trackingUrlTemplate'],
      [{ transitDays: -1 }, 'transitDays'],
      [{ idempotencyKey: '' }, 'idempotencyKey'],
    ];
    for (const [change, field] of cases) {
      const outcome = await create({
        code: 'bad',
        name: 'Bad',
        trackingUrlTemplate: template,
        idempotencyKey: `carrier-bad-${field}`,
        ...change,
      });
      assert.equal(outcome?.__typename, 'InvalidInputError', JSON.stringify(change));
      assert.equal(outcome?.field, field, JSON.stringify(change));
    }
  });

  it('is for staff and admins: warehouses, customers and carriers are FORBIDDEN', async () => {
    for (const viewer of [viewers.warehouse(), viewers.customer(ADA), viewers.carrier('ups')]) {
      const outcome = await create(
        { code: 'nope', name: 'Nope', trackingUrlTemplate: template, idempotencyKey: 'carrier-no' },
        viewer,
      );
      assert.equal(outcome.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');
    }
    const admin = await create(
      {
        code: 'adminpost',
        name: 'Admin Post',
        trackingUrlTemplate: template,
        idempotencyKey: 'carrier-admin',
      },
      viewers.withRoles('admin-1', ['admin']),
    );
    assert.equal(admin?.__typename, 'CreateCarrierSuccess');
  });
});

describe('updateCarrier', () => {
  it("changes a carrier's template, which every parcel's trackingUrl follows", async () => {
    const shipment = await createShipment(subgraph.handle, {
      lines: [{ orderLineId: randomUUID(), sku: 'MUG-WHT', quantity: 1 }],
    });
    await forceStatus(subgraph.handle, { shipmentId: shipment.id, status: 'PACKED' });
    await result(
      subgraph.url,
      'shipShipment',
      { shipmentId: shipment.id, carrierCode: 'speedypost', trackingNumber: 'SP-0001' },
      viewers.warehouse(),
    );
    const trackingUrl = async () =>
      (
        await subgraphRequest(subgraph.url, {
          query: 'query($id: ID!) { shipment(id: $id) { trackingUrl carrier { name } } }',
          viewer: viewers.customer(ADA),
          variables: { id: shipment.id },
        })
      ).data?.shipment;
    assert.deepEqual(await trackingUrl(), {
      trackingUrl: 'https://track.example.com/parcel/SP-0001',
      carrier: { name: 'Speedy Post' },
    });

    const input = {
      code: 'SPEEDYPOST',
      name: 'Speedy',
      trackingUrlTemplate: 'https://speedy.example.com/t?n={trackingNumber}',
      idempotencyKey: 'carrier-update-1',
    };
    const expected = {
      __typename: 'UpdateCarrierSuccess',
      carrier: {
        code: 'speedypost',
        name: 'Speedy',
        trackingUrlTemplate: 'https://speedy.example.com/t?n={trackingNumber}',
        transitDays: 2,
        active: true,
      },
    };
    assert.deepEqual(await update(input), expected);
    assert.deepEqual(await update(input), expected);
    assert.deepEqual(await trackingUrl(), {
      trackingUrl: 'https://speedy.example.com/t?n=SP-0001',
      carrier: { name: 'Speedy' },
    });
    const events = await readEvents(subgraph.handle.db, { streamType: 'carrier', limit: 100 });
    assert.deepEqual(
      events.filter((e) => e.type === 'carrier.updated').map((e) => e.payload['changed']),
      [['name', 'trackingUrlTemplate']],
    );
  });

  it('refuses an unknown carrier, an empty change and a bad template, and non-staff callers', async () => {
    assert.deepEqual(await update({ code: 'nowhere', name: 'X', idempotencyKey: 'cu-2' }), {
      __typename: 'InvalidInputError',
      message: 'No carrier has the code nowhere.',
      field: 'code',
    });
    assert.equal((await update({ code: 'ups', idempotencyKey: 'cu-3' }))?.field, 'input');
    assert.equal(
      (
        await update({
          code: 'ups',
          trackingUrlTemplate: 'https://x.example',
          idempotencyKey: 'cu-4',
        })
      )?.field,
      'trackingUrlTemplate',
    );
    const carrier = await update(
      { code: 'ups', name: 'Not UPS', idempotencyKey: 'cu-5' },
      viewers.carrier('ups'),
    );
    assert.equal(carrier.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');
  });

  it('takes an inactive carrier out of shipping while its parcels stay tracked by it alone', async () => {
    const shipped = await createShipment(subgraph.handle, {
      lines: [{ orderLineId: randomUUID(), sku: 'MUG-WHT', quantity: 1 }],
    });
    await forceStatus(subgraph.handle, { shipmentId: shipped.id, status: 'PACKED' });
    await result(
      subgraph.url,
      'shipShipment',
      { shipmentId: shipped.id, carrierCode: 'speedypost', trackingNumber: 'SP-0002' },
      viewers.warehouse(),
    );
    await update({ code: 'speedypost', active: false, idempotencyKey: 'cu-off' });

    const waiting = await createShipment(subgraph.handle, {
      lines: [{ orderLineId: randomUUID(), sku: 'MUG-WHT', quantity: 1 }],
    });
    await forceStatus(subgraph.handle, { shipmentId: waiting.id, status: 'PACKED' });
    const refused = await mutate(
      subgraph.url,
      'shipShipment',
      { shipmentId: waiting.id, carrierCode: 'speedypost' },
      viewers.warehouse(),
    );
    assert.deepEqual(refused.data?.shipShipment, {
      __typename: 'InvalidInputError',
      message: 'Carrier speedypost is inactive: it takes no new parcels.',
      field: 'carrierCode',
    });

    const scan = {
      carrierCode: 'speedypost',
      trackingNumber: 'SP-0002',
      status: 'IN_TRANSIT',
      description: 'Departed facility',
      occurredAt: new Date().toISOString(),
    };
    // a carrier client bound to speedypost (in any case) reports; another carrier may not
    const own = await mutate(
      subgraph.url,
      'recordTrackingEvent',
      scan,
      viewers.carrier('SpeedyPost'),
    );
    assert.equal(own.data?.recordTrackingEvent.__typename, 'ShipmentSuccess');
    const other = await mutate(subgraph.url, 'recordTrackingEvent', scan, viewers.carrier('ups'));
    assert.equal(other.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');

    const inactive = await subgraphRequest(subgraph.url, {
      query: '{ carriers(active: false) { code } }',
    });
    assert.deepEqual(inactive.data, { carriers: [{ code: 'speedypost' }] });
  });
});

describe('the demo seed', () => {
  it('creates its carrier through createCarrier, once however often it runs', async () => {
    await seedDemoData(subgraph.handle);
    await seedDemoData(subgraph.handle);
    const events = await readEvents(subgraph.handle.db, { streamType: 'carrier', limit: 100 });
    assert.deepEqual(
      events.filter((e) => e.streamId === 'fastship').map((e) => e.type),
      ['carrier.created'],
    );
    const listed = await subgraphRequest(subgraph.url, {
      query: '{ carriers { code name active } }',
    });
    assert.ok(listed.data?.carriers.some((c: { code: string }) => c.code === 'fastship'));
  });
});
