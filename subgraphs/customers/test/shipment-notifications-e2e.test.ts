import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  createServer as createShipmentsServer,
  migrationsFolder as shipmentsMigrations,
  type ShipmentsServer,
} from '@ordergraph/shipments/server';
import type { Viewer } from '@ordergraph/shared';
import {
  startTestSubgraph,
  subgraphRequest,
  viewers,
  type TestSubgraph,
} from '@ordergraph/shared/testing';
import type { CustomersServer } from '../src/server.js';
import { ADA } from './events.js';
import { latestSeq, startCustomersDatabase, startProducers, type Producers } from './testbed.js';

let producers: Producers;
let shipments: TestSubgraph;
let shipmentsServer: ShipmentsServer;
let customers: Awaited<ReturnType<typeof startCustomersDatabase>>;
let customersUrl: string;
let customersServer: CustomersServer;

const STEP = (mutation: string, input: string) => `mutation($input: ${input}!) {
  ${mutation}(input: $input) { __typename ... on ShipmentSuccess { shipment { status } } } }`;

async function step(mutation: string, input: string, variables: object, viewer: Viewer) {
  const response = await subgraphRequest(shipments.url, {
    query: STEP(mutation, input),
    viewer,
    variables: { input: { ...variables, idempotencyKey: `${mutation}-${Date.now()}` } },
  });
  assert.equal(response.data?.[mutation].__typename, 'ShipmentSuccess', JSON.stringify(response));
}

before(async () => {
  producers = await startProducers();
  shipments = await startTestSubgraph({
    name: 'shipments',
    migrationsFolder: shipmentsMigrations,
    createServer: async (options) =>
      (shipmentsServer = await createShipmentsServer({
        ...options,
        ordersUrl: producers.orders.url,
        consumerWaitMs: 1_000,
      })),
  });
  customers = await startCustomersDatabase();
  ({ url: customersUrl, server: customersServer } = await customers.start({
    ordersUrl: producers.orders.url,
    shipmentsUrl: shipments.url,
  }));
});
after(async () => {
  await customersServer.stop();
  await customers.handle.close();
  await shipments.stop();
  await producers.stop();
});

describe('notifications from the real shipments service', () => {
  it('tell the customer each step of the parcel, once, naming the order and the tracking number', async () => {
    const order = await producers.placeOrder(viewers.customer(ADA));
    const placedAt = await latestSeq(producers.orders.handle);
    await shipmentsServer.consumers!.orders.caughtUp(placedAt);
    await customersServer.consumers.caughtUp({ orders: placedAt });

    const found = await subgraphRequest(shipments.url, {
      query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Order { shipments { id } } } }`,
      viewer: viewers.staff(),
      variables: { r: [{ __typename: 'Order', id: order.id }] },
    });
    const [{ id: shipmentId }] = found.data!._entities[0].shipments;
    const warehouse = viewers.warehouse();
    await step('startPicking', 'ShipmentActionInput', { shipmentId }, warehouse);
    await step('markPacked', 'ShipmentActionInput', { shipmentId }, warehouse);
    const trackingNumber = `1ZNOTIFY${Date.now()}`;
    await step(
      'shipShipment',
      'ShipShipmentInput',
      { shipmentId, carrierCode: 'ups', trackingNumber },
      warehouse,
    );
    const scan = (status: string, occurredAt: string, description: string) => ({
      carrierCode: 'ups',
      trackingNumber,
      status,
      description,
      location: 'London',
      occurredAt,
    });
    const ups = viewers.carrier('ups');
    const now = Date.now();
    const at = (minutes: number) => new Date(now - 60_000 * (60 - minutes)).toISOString();
    await step(
      'recordTrackingEvent',
      'RecordTrackingEventInput',
      scan('IN_TRANSIT', at(1), 'Departed'),
      ups,
    );
    await step(
      'recordTrackingEvent',
      'RecordTrackingEventInput',
      scan('OUT_FOR_DELIVERY', at(2), 'On the van'),
      ups,
    );
    // the carrier reports the van twice: still one notification
    await step(
      'recordTrackingEvent',
      'RecordTrackingEventInput',
      scan('OUT_FOR_DELIVERY', at(2), 'On the van'),
      ups,
    );
    await step(
      'recordTrackingEvent',
      'RecordTrackingEventInput',
      scan('DELIVERED', at(3), 'Delivered'),
      ups,
    );

    await customersServer.consumers.caughtUp({ shipments: await latestSeq(shipments.handle) });
    await customersServer.dispatcher.drain();
    const response = await subgraphRequest(customersUrl, {
      query: `{ me { notifications { nodes { kind title message orderId shipmentId channel } } } }`,
      viewer: viewers.customer(ADA),
    });
    const hello = 'Hello Ada Lovelace,';
    const about = { orderId: order.id, channel: 'LOG' };
    assert.deepEqual(response.data?.me.notifications.nodes, [
      {
        kind: 'ORDER_DELIVERED',
        title: `Order ${order.number} was delivered`,
        message: `${hello} a package of your order ${order.number} was delivered (London). We hope you enjoy it.`,
        shipmentId,
        ...about,
      },
      {
        kind: 'OUT_FOR_DELIVERY',
        title: `Order ${order.number} is out for delivery`,
        message: `${hello} a package of your order ${order.number} is out for delivery and should arrive today.`,
        shipmentId,
        ...about,
      },
      {
        kind: 'ORDER_SHIPPED',
        title: `Order ${order.number} has shipped`,
        message: `${hello} a package of your order ${order.number} is on its way with UPS. Tracking number: ${trackingNumber}. Follow it at https://www.ups.com/track?tracknum=${trackingNumber}`,
        shipmentId,
        ...about,
      },
      {
        kind: 'ORDER_CONFIRMED',
        title: `Order ${order.number} is confirmed`,
        message: `${hello} thank you for your order ${order.number}. Total: ${(await totalOf(order.id)) ?? ''}. We will let you know when it ships.`,
        shipmentId: null,
        ...about,
      },
    ]);
  });
});

/** the order's total as the orders service states it, "25.00 USD" */
async function totalOf(orderId: string): Promise<string | null> {
  const response = await subgraphRequest(producers.orders.url, {
    query: `query($id: ID!) { order(id: $id) { total { amount currencyCode } } }`,
    viewer: viewers.staff(),
    variables: { id: orderId },
  });
  const total = response.data?.order?.total;
  return total ? `${total.amount} ${total.currencyCode}` : null;
}
