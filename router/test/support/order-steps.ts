import assert from 'node:assert/strict';
import { ADA, GRACE, placeOrder, receiveStock, TEE } from './fixtures.js';
import { startStack, type Stack } from './stack.js';

/** the tracking subscription a mobile app runs: fields of all five subgraphs on every update */
export const TRACK_ORDER = `subscription Track($orderId: ID!, $after: String) {
  orderUpdated(orderId: $orderId, after: $after) {
    cursor
    event { type }
    order {
      status
      paymentStatus
      customer { name }
      lines { variant { sku name price { amount } available stock { available } } }
      shipments { status trackingNumber carrier { code } }
    }
  }
}`;

/** the cursors of an order's timeline entries, oldest first */
export async function timelineCursors(
  stack: Stack,
  orderId: string,
  token: string,
): Promise<string[]> {
  const response = await stack.request({
    token,
    query: `query($id: ID!) { order(id: $id) { timeline { cursor } } }`,
    variables: { id: orderId },
  });
  assert.equal(response.errors, undefined, JSON.stringify(response.errors));
  return response.data?.order.timeline.map((e: { cursor: string }) => e.cursor);
}

/**
 * The customer asks to return one unit of the order's first line (it must be delivered): one
 * more change on the order's timeline, e.g. to mark the end of what a test compares.
 */
export async function requestReturn(
  stack: Stack,
  { orderId, token }: { orderId: string; token: string },
): Promise<void> {
  const order = await stack.request({
    token,
    query: `query($id: ID!) { order(id: $id) { lines { id } } }`,
    variables: { id: orderId },
  });
  assert.equal(order.errors, undefined, JSON.stringify(order.errors));
  const requested = await stack.request({
    token,
    query: `mutation($input: RequestReturnInput!) { requestReturn(input: $input) { __typename } }`,
    variables: {
      input: {
        orderId,
        lines: [{ orderLineId: order.data?.order.lines[0].id, quantity: 1 }],
        reason: 'Too small',
        idempotencyKey: `return-${orderId}-${Date.now()}`,
      },
    },
  });
  assert.deepEqual(requested, {
    status: 200,
    data: { requestReturn: { __typename: 'RequestReturnSuccess' } },
  });
  await stack.settle();
}

export interface Lifecycle {
  tokens: Record<'grace' | 'ada' | 'staff' | 'warehouse' | 'ups', string>;
  shipmentOf(orderId: string): Promise<string>;
  pickAndPack(shipmentId: string): Promise<void>;
  ship(shipmentId: string, carrier: { carrierCode: string; trackingNumber: string }): Promise<void>;
  /** a carrier scan; `settle: false` when a service is down and cannot catch up yet */
  scan(
    carrierCode: string,
    trackingNumber: string,
    status: string,
    options?: { settle?: boolean },
  ): Promise<void>;
}

/** The staff, warehouse and carrier steps of an order's life, each settled before it returns. */
export async function lifecycle(stack: Stack): Promise<Lifecycle> {
  const { signToken } = await import('../../src/auth.js');
  const { JWT_SECRET } = await import('./stack.js');
  const tokens = {
    grace: await stack.token(GRACE, ['customer']),
    ada: await stack.token(ADA, ['customer']),
    staff: await stack.token('staff-1', ['staff']),
    warehouse: await stack.token('picker-1', ['warehouse']),
    ups: await signToken({
      secret: JWT_SECRET,
      subject: 'carrier-ups',
      roles: ['carrier'],
      carrierCode: 'ups',
    }),
  };
  let key = 0;
  const mutate = async (
    token: string,
    field: string,
    inputType: string,
    input: object,
    { settle = true } = {},
  ) => {
    const response = await stack.request({
      token,
      query: `mutation($input: ${inputType}!) { ${field}(input: $input) { __typename ... on UserError { message } } }`,
      variables: { input: { ...input, idempotencyKey: `steps-${field}-${++key}-${Date.now()}` } },
    });
    assert.equal(response.errors, undefined, JSON.stringify(response.errors));
    assert.equal(
      response.data?.[field].__typename,
      'ShipmentSuccess',
      JSON.stringify(response.data),
    );
    if (settle) await stack.settle();
  };
  let hours = 0;
  return {
    tokens,
    async shipmentOf(orderId) {
      const response = await stack.request({
        token: tokens.staff,
        query: `query($id: ID!) { order(id: $id) { shipments { id } } }`,
        variables: { id: orderId },
      });
      const id = response.data?.order.shipments[0]?.id;
      assert.ok(id, `no shipment for ${orderId}: ${JSON.stringify(response)}`);
      return id;
    },
    async pickAndPack(shipmentId) {
      await mutate(tokens.warehouse, 'startPicking', 'ShipmentActionInput', { shipmentId });
      await mutate(tokens.warehouse, 'markPacked', 'ShipmentActionInput', { shipmentId });
    },
    async ship(shipmentId, carrier) {
      await mutate(tokens.warehouse, 'shipShipment', 'ShipShipmentInput', {
        shipmentId,
        ...carrier,
      });
    },
    async scan(carrierCode, trackingNumber, status, options) {
      await mutate(
        tokens.ups,
        'recordTrackingEvent',
        'RecordTrackingEventInput',
        {
          carrierCode,
          trackingNumber,
          status,
          description: status.toLowerCase(),
          occurredAt: new Date(Date.now() - 24 * 3_600_000 + ++hours * 60_000).toISOString(),
        },
        options,
      );
    },
  };
}

/** The whole stack with one confirmed order of Grace's (a tee, with one more in stock), settled. */
export async function stackWithAnOrder(): Promise<{
  stack: Stack;
  steps: Lifecycle;
  orderId: string;
}> {
  const stack = await startStack();
  const steps = await lifecycle(stack);
  await receiveStock(stack, { sku: TEE, quantity: 2 });
  const placed = await placeOrder(stack, { customerId: GRACE, lines: [{ sku: TEE, quantity: 1 }] });
  assert.equal(placed.__typename, 'PlaceOrderSuccess', JSON.stringify(placed));
  await stack.settle();
  return { stack, steps, orderId: placed.order.id };
}
