import { randomUUID } from 'node:crypto';
import type { DatabaseHandle, Viewer } from '@ordergraph/shared';
import { viewers } from '@ordergraph/shared/testing';
import type { Request } from './support.js';
import { captureAmount } from '../src/lifecycle/captures.js';
import type { OrderLineRow, OrderRow, ReturnStatus } from '../src/db/schema.js';
import { createLifecycleRepository } from '../src/lifecycle/lifecycle.repository.js';
import { createOrdersRepository, type PlacedOrder } from '../src/orders.repository.js';
import { createTestPaymentProvider } from '../src/payments/test-provider.js';
import { insertOrder, placedOrder } from './support.js';

export const RETURN_FIELDS = `id status reason rejectionReason order { id status paymentStatus }
  lines { orderLine { id variant { sku } } quantity amount { amount currencyCode } disposition
    restockWarehouseId }
  refundableAmount { amount currencyCode } refundedAmount { amount currencyCode } allowedActions`;

export const REQUEST_RETURN = `mutation($input: RequestReturnInput!) { requestReturn(input: $input) {
  __typename
  ... on RequestReturnSuccess { return { ${RETURN_FIELDS} } }
  ... on ReturnNotAllowedError { message reason orderLineId returnable }
  ... on OrderNotFoundError { message orderId }
  ... on InvalidInputError { message field } } }`;

const ACTION_ERRORS = `
  ... on ReturnNotFoundError { message returnId }
  ... on InvalidReturnTransitionError { message from to }
  ... on InvalidInputError { message field }`;

export const APPROVE_RETURN = `mutation($input: ApproveReturnInput!) { approveReturn(input: $input) {
  __typename ... on ApproveReturnSuccess { return { id status } } ${ACTION_ERRORS} } }`;

export const REJECT_RETURN = `mutation($input: RejectReturnInput!) { rejectReturn(input: $input) {
  __typename ... on RejectReturnSuccess { return { id status rejectionReason } } ${ACTION_ERRORS} } }`;

export const RECEIVE_RETURN = `mutation($input: ReceiveReturnInput!) { receiveReturn(input: $input) {
  __typename ... on ReceiveReturnSuccess { return { id status
    lines { orderLine { id } disposition restockWarehouseId } order { status } } }
  ${ACTION_ERRORS} } }`;

export const REFUND_RETURN = `mutation($input: RefundReturnInput!) { refundReturn(input: $input) {
  __typename
  ... on RefundReturnSuccess { amount { amount currencyCode }
    return { id status refundedAmount { amount } order { status paymentStatus } } }
  ... on RefundNotAllowedError { message requested { amount } refundable { amount } }
  ... on RefundFailedError { message reason }
  ${ACTION_ERRORS} } }`;

export const usd = (amount: string) => ({ amount, currencyCode: 'USD' });

let keys = 0;
/** a fresh idempotency key */
export const key = (prefix = 'return') => `${prefix}-${++keys}-${Date.now()}`;

/**
 * Writes an order whose payment the test provider really authorized, as placeOrder leaves it.
 */
export async function insertAuthorizedOrder(
  handle: DatabaseHandle,
  placed: PlacedOrder,
): Promise<OrderRow> {
  const authorization = await createTestPaymentProvider({ db: handle.db }).authorize({
    token: 'tok_visa',
    amountMinor: placed.priced.total,
    currency: placed.priced.currency,
    idempotencyKey: placed.id,
  });
  if (authorization.status !== 'authorized') throw new Error('test authorization declined');
  const payment = { provider: 'test', authorizationId: authorization.authorizationId };
  return insertOrder(handle, { ...placed, payment });
}

/**
 * Delivers an order as the shipments feed would leave it: its shipments DELIVERED (one with
 * every line unless told otherwise), each captured through the test provider, the order
 * DELIVERED and its payment CAPTURED. Returns the order's lines and the provider's capture ids.
 */
export async function deliverOrder(
  handle: DatabaseHandle,
  orderId: string,
  {
    shipments,
    captureIds,
    uncaptured = [],
  }: {
    shipments?: (lines: OrderLineRow[]) => { orderLineId: string; quantity: number }[][];
    /** provider capture ids to record instead of capturing, e.g. one the provider never made */
    captureIds?: string[];
    /** shipments (by index) whose capture is left PENDING, not yet taken */
    uncaptured?: number[];
  } = {},
): Promise<{ lines: OrderLineRow[]; captureIds: string[] }> {
  const provider = createTestPaymentProvider({ db: handle.db });
  const db = handle.db;
  const lifecycle = createLifecycleRepository({ db });
  const [order] = await createOrdersRepository({ db }).findByIds([orderId]);
  const lines = await createOrdersRepository({ db }).findLinesByOrderIds([orderId]);
  const [payment] = await lifecycle.findPayments(orderId);
  const parcels = shipments?.(lines) ?? [
    lines.map((line) => ({ orderLineId: line.id, quantity: line.quantity })),
  ];
  const taken: string[] = [];
  let capturedBefore = 0;
  const shippedBefore: { orderLineId: string; quantity: number }[] = [];
  for (const [index, parcel] of parcels.entries()) {
    const shipmentId = randomUUID();
    await lifecycle.insertShipment(
      {
        id: shipmentId,
        orderId,
        warehouseId: 'wh-1',
        warehouseCode: 'WH1',
        status: 'DELIVERED',
        lastEventSeq: 0,
      },
      parcel,
    );
    const amount = captureAmount({
      order: { subtotal: order!.subtotal, total: order!.total, lines },
      shipment: parcel,
      shippedBefore,
      capturedBefore,
    });
    let captureId = captureIds?.[index];
    if (uncaptured.includes(index)) {
      await lifecycle.insertCapture({
        shipmentId,
        orderId,
        paymentId: payment!.id,
        amount,
        currency: order!.currency,
        status: 'PENDING',
      });
      capturedBefore += amount;
      shippedBefore.push(...parcel);
      continue;
    }
    if (!captureId) {
      const capture = await provider.capture({
        authorizationId: payment!.authorizationId,
        amountMinor: amount,
        idempotencyKey: shipmentId,
      });
      if (capture.status !== 'captured') throw new Error(`test capture failed: ${capture.reason}`);
      captureId = capture.captureId;
    }
    await lifecycle.insertCapture({
      shipmentId,
      orderId,
      paymentId: payment!.id,
      amount,
      currency: order!.currency,
      status: 'CAPTURED',
      providerCaptureId: captureId,
    });
    taken.push(captureId);
    capturedBefore += amount;
    shippedBefore.push(...parcel);
  }
  await lifecycle.moveOrder(orderId, { status: 'DELIVERED', paymentStatus: 'CAPTURED' });
  await lifecycle.setPaymentStatus(orderId, 'CAPTURED');
  return { lines, captureIds: taken };
}

/** what the test provider has refunded of an order's authorization */
export async function refundedByProvider(handle: DatabaseHandle, order: { id: string }) {
  const [payment] = await createLifecycleRepository({ db: handle.db }).findPayments(order.id);
  const held = await createTestPaymentProvider({ db: handle.db }).authorization(
    payment!.authorizationId,
  );
  return held?.refunded ?? 0;
}

/** requests a return and returns its id, failing the test on anything but success */
export async function requestReturnOf(
  request: Request,
  options: {
    viewer: Viewer;
    orderId: string;
    lines: { orderLineId: string; quantity: number }[];
  },
): Promise<string> {
  const response = await request(REQUEST_RETURN, {
    viewer: options.viewer,
    variables: {
      input: {
        orderId: options.orderId,
        lines: options.lines,
        reason: 'Does not fit',
        idempotencyKey: key(),
      },
    },
  });
  const result = response.data?.requestReturn;
  if (result?.__typename !== 'RequestReturnSuccess') {
    throw new Error(`requestReturn failed: ${JSON.stringify(response)}`);
  }
  return result.return.id;
}

const STEPS: Record<
  Exclude<ReturnStatus, 'REQUESTED'>,
  { before: ReturnStatus; query: string; input: (lines: OrderLineRow[]) => Record<string, unknown> }
> = {
  APPROVED: { before: 'REQUESTED', query: APPROVE_RETURN, input: () => ({}) },
  REJECTED: { before: 'REQUESTED', query: REJECT_RETURN, input: () => ({ reason: 'Worn' }) },
  RECEIVED: {
    before: 'APPROVED',
    query: RECEIVE_RETURN,
    input: (lines) => ({
      lines: [{ orderLineId: lines[0]!.id, disposition: 'WRITE_OFF' }],
    }),
  },
  REFUNDED: { before: 'RECEIVED', query: REFUND_RETURN, input: () => ({}) },
};

/**
 * A delivered order of Ada's with a return of one unit of its first line, taken through the
 * mutations to `status` (a received return's units are written off).
 */
export async function returnIn(
  handle: DatabaseHandle,
  request: Request,
  status: ReturnStatus,
): Promise<{ order: OrderRow; lines: OrderLineRow[]; returnId: string }> {
  const order = await insertAuthorizedOrder(handle, placedOrder());
  const { lines } = await deliverOrder(handle, order.id);
  const returnId = await requestReturnOf(request, {
    viewer: viewers.customer(order.customerId),
    orderId: order.id,
    lines: [{ orderLineId: lines[0]!.id, quantity: 1 }],
  });
  const path: Exclude<ReturnStatus, 'REQUESTED'>[] = [];
  for (let at = status; at !== 'REQUESTED'; at = STEPS[at].before) path.unshift(at);
  for (const step of path) {
    const { query, input } = STEPS[step];
    const response = await request(query, {
      viewer: viewers.staff(),
      variables: { input: { returnId, idempotencyKey: key(), ...input(lines) } },
    });
    const result = Object.values(response.data ?? {})[0] as { __typename?: string } | undefined;
    if (!result?.__typename?.endsWith('Success')) {
      throw new Error(`moving the return to ${step} failed: ${JSON.stringify(response)}`);
    }
  }
  return { order, lines, returnId };
}
