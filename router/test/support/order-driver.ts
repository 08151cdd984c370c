import { PLACE_ORDER, US_ADDRESS } from './fixtures.js';

/** What the driver does with an order once it is placed. */
export type Plan = 'deliver' | 'cancel' | 'return';

export interface DrivenOrder {
  index: number;
  plan: Plan;
  customerId: string;
  sku: string;
  orderId: string;
  /** placeOrder attempts that ended PlaceOrderInterruptedError and were placed again */
  interrupted: number;
}

export interface DriverTokens {
  customers: Record<string, string>;
  staff: string;
  warehouse: string;
  carrier: string;
}

type Data = Record<string, any>;

// how long one call is retried through outages (a replica killed mid-request, a takeover)
const CALL_DEADLINE_MS = 120_000;

/**
 * Drives orders through their lives as their users would, through a load balancer in front of
 * the routers: placement, then picking, packing, shipping and two carrier scans, a cancellation
 * or a return and its refund. Every call carries an idempotency key and is sent again, with
 * the same key, until it gets an answer: a reset connection or an error from a service that is
 * being replaced is what a client sees while replicas die.
 */
export function createOrderDriver({
  url,
  tokens,
  onPlaced,
  signal,
}: {
  /** the routers' /graphql, behind their load balancer */
  url: string;
  tokens: DriverTokens;
  /** called once an order exists, before anything else happens to it */
  onPlaced?: (order: DrivenOrder) => Promise<void>;
  /** stops every call under way or retrying (a test that failed elsewhere) */
  signal?: AbortSignal;
}) {
  let retries = 0;

  const call = async (token: string, query: string, variables: object): Promise<Data> => {
    const deadline = Date.now() + CALL_DEADLINE_MS;
    let last: unknown = null;
    for (;;) {
      signal?.throwIfAborted();
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query, variables }),
          signal: AbortSignal.timeout(30_000),
        });
        const body = (await response.json()) as { data?: Data; errors?: unknown[] };
        if (body.data && !body.errors) return body.data;
        last = body;
      } catch (error) {
        last = error instanceof Error ? error.message : error;
      }
      if (Date.now() > deadline) {
        throw new Error(`no answer within ${CALL_DEADLINE_MS} ms: ${JSON.stringify(last)}`);
      }
      retries++;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };

  /** a mutation until it answers; a union member other than `expected` fails the drive */
  const mutate = async (
    token: string,
    field: string,
    inputType: string,
    input: object,
    { expected, select = '' }: { expected: string; select?: string },
  ): Promise<Data> => {
    const data = await call(
      token,
      `mutation($input: ${inputType}!) { ${field}(input: $input) { __typename ... on UserError { message } ${select} } }`,
      { input },
    );
    const result = data[field] as Data;
    if (result['__typename'] !== expected) {
      throw new Error(`${field} answered ${JSON.stringify(result)}, not ${expected}`);
    }
    return result;
  };

  /** reads until `ready` holds: what the services do after a call happens in their consumers */
  const until = async <T>(
    token: string,
    query: string,
    variables: object,
    ready: (data: Data) => T | undefined,
    what: string,
  ): Promise<T> => {
    const deadline = Date.now() + CALL_DEADLINE_MS;
    for (;;) {
      const value = ready(await call(token, query, variables));
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };

  const ORDER = `query($id: ID!) { order(id: $id) {
    status paymentStatus allowedActions lines { id } shipments { id status } } }`;
  const orderState = (orderId: string, ready: (order: Data) => boolean, what: string) =>
    until(
      tokens.staff,
      ORDER,
      { id: orderId },
      (data) => (ready(data['order']) ? (data['order'] as Data) : undefined),
      `${what} (order ${orderId})`,
    );

  const place = async ({
    index,
    customerId,
    sku,
    keyPrefix,
  }: {
    index: number;
    customerId: string;
    sku: string;
    keyPrefix: string;
  }): Promise<{ orderId: string; interrupted: number }> => {
    for (let attempt = 0; ; attempt++) {
      const data = await call(tokens.customers[customerId]!, PLACE_ORDER, {
        input: {
          idempotencyKey: `${keyPrefix}-place-${index}-${attempt}`,
          lines: [{ sku, quantity: 1 }],
          shippingAddress: US_ADDRESS,
          payment: { token: 'tok_visa' },
        },
      });
      const placed = data['placeOrder'] as Data;
      if (placed['__typename'] === 'PlaceOrderSuccess') {
        return { orderId: placed['order'].id as string, interrupted: attempt };
      }
      // the attempt died with a replica and was undone: a client places it again, anew
      if (placed['__typename'] !== 'PlaceOrderInterruptedError') {
        throw new Error(`placeOrder answered ${JSON.stringify(placed)}`);
      }
    }
  };

  const fulfil = async (order: DrivenOrder, keyPrefix: string) => {
    const key = (step: string) => `${keyPrefix}-${step}-${order.index}`;
    const { shipments } = await orderState(
      order.orderId,
      (o) => o.shipments.length > 0,
      'its shipment',
    );
    const shipmentId = shipments[0].id as string;
    const action = { expected: 'ShipmentSuccess' };
    for (const step of ['startPicking', 'markPacked']) {
      await mutate(
        tokens.warehouse,
        step,
        'ShipmentActionInput',
        { shipmentId, idempotencyKey: key(step) },
        action,
      );
    }
    const trackingNumber = `${keyPrefix}-${order.index}`.toUpperCase().replace(/[^A-Z0-9-]/g, '');
    await mutate(
      tokens.warehouse,
      'shipShipment',
      'ShipShipmentInput',
      { shipmentId, carrierCode: 'ups', trackingNumber, idempotencyKey: key('ship') },
      action,
    );
    const base = Date.now() - 3_600_000;
    for (const [offset, status] of [
      [1, 'IN_TRANSIT'],
      [2, 'DELIVERED'],
    ] as const) {
      await mutate(
        tokens.carrier,
        'recordTrackingEvent',
        'RecordTrackingEventInput',
        {
          carrierCode: 'ups',
          trackingNumber,
          status,
          description: status.toLowerCase(),
          occurredAt: new Date(base + offset * 60_000).toISOString(),
          idempotencyKey: key(status),
        },
        action,
      );
    }
  };

  const giveBack = async (order: DrivenOrder, keyPrefix: string) => {
    const key = (step: string) => `${keyPrefix}-${step}-${order.index}`;
    const delivered = await orderState(
      order.orderId,
      // as staff would: a refund pays back what was captured, which follows the delivery
      (o) => o.allowedActions.includes('REQUEST_RETURN') && o.paymentStatus === 'CAPTURED',
      'delivery and capture to allow a return and its refund',
    );
    const orderLineId = delivered['lines'][0].id as string;
    const requested = await mutate(
      tokens.customers[order.customerId]!,
      'requestReturn',
      'RequestReturnInput',
      {
        orderId: order.orderId,
        lines: [{ orderLineId, quantity: 1 }],
        reason: 'Does not fit',
        idempotencyKey: key('request-return'),
      },
      { expected: 'RequestReturnSuccess', select: '... on RequestReturnSuccess { return { id } }' },
    );
    const returnId = requested['return'].id as string;
    await mutate(
      tokens.staff,
      'approveReturn',
      'ApproveReturnInput',
      { returnId, idempotencyKey: key('approve-return') },
      { expected: 'ApproveReturnSuccess' },
    );
    await mutate(
      tokens.warehouse,
      'receiveReturn',
      'ReceiveReturnInput',
      {
        returnId,
        lines: [{ orderLineId, disposition: 'RESTOCK', warehouseId: 'wh-east' }],
        idempotencyKey: key('receive-return'),
      },
      { expected: 'ReceiveReturnSuccess' },
    );
    await mutate(
      tokens.staff,
      'refundReturn',
      'RefundReturnInput',
      { returnId, idempotencyKey: key('refund-return') },
      { expected: 'RefundReturnSuccess' },
    );
  };

  return {
    /** calls sent again after a failure so far */
    get retries() {
      return retries;
    },
    /** one order's whole life, as planned */
    async drive({
      index,
      plan,
      customerId,
      sku,
      keyPrefix,
    }: {
      index: number;
      plan: Plan;
      customerId: string;
      sku: string;
      keyPrefix: string;
    }): Promise<DrivenOrder> {
      const placed = await place({ index, customerId, sku, keyPrefix });
      const order: DrivenOrder = { index, plan, customerId, sku, ...placed };
      await onPlaced?.(order);
      if (plan === 'cancel') {
        await mutate(
          tokens.staff,
          'cancelOrder',
          'CancelOrderInput',
          {
            orderId: order.orderId,
            reason: 'Asked by the customer',
            idempotencyKey: `${keyPrefix}-cancel-${index}`,
          },
          { expected: 'CancelOrderSuccess' },
        );
        return order;
      }
      await fulfil(order, keyPrefix);
      if (plan === 'return') await giveBack(order, keyPrefix);
      return order;
    },
    /** an order's state, read until `ready` holds */
    orderState,
    call,
  };
}
