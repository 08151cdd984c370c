import {
  actorOf,
  type Actor,
  appendEvent,
  ordersEvents,
  checkIdempotencyKey,
  checkText,
  codedError,
  customerIdOf,
  firstProblem,
  forbidden,
  hasRole,
  hashRequest,
  invalidInput,
  isUuid,
  unauthenticated,
  withIdempotency,
  type Database,
  type InvalidInput,
  type Logger,
  type Viewer,
  transaction,
} from '@ordergraph/shared';
import { createCancellationsRepository } from './cancellations.repository.js';
import type { InventoryClient } from '../clients/inventory.js';
import type { ShipmentsClient } from '../clients/shipments.js';
import type { OrderCancellationRow, OrderRow, OrderStatus } from '../db/schema.js';
import { createLifecycleRepository } from './lifecycle.repository.js';
import { canMoveOrder, canMovePayment, mayCancel } from './order-status.js';
import type { PaymentProvider } from '../payments/payment-provider.js';

export const MAX_REASON_LENGTH = 500;

export type CancelOrderSuccessResult = { __typename: 'CancelOrderSuccess'; orderId: string };
export type OrderNotCancellable = {
  __typename: 'OrderNotCancellableError';
  message: string;
  status: OrderStatus;
};
export type OrderNotFound = { __typename: 'OrderNotFoundError'; message: string; orderId: string };
export type CancelOrderOutcome =
  CancelOrderSuccessResult | OrderNotCancellable | OrderNotFound | InvalidInput;

export interface CancelOrderInputShape {
  orderId: string;
  reason?: string | null;
  idempotencyKey: string;
}

export const orderNotFound = (orderId: string): OrderNotFound => ({
  __typename: 'OrderNotFoundError',
  message: 'No order of yours has this id.',
  orderId,
});

function notCancellable(status: OrderStatus, shipped = false): OrderNotCancellable {
  const message = shipped
    ? 'Part of the order has already shipped, so it can no longer be cancelled.'
    : status === 'CANCELLED'
      ? 'The order is already cancelled.'
      : status === 'PROCESSING'
        ? 'The order is being prepared and can no longer be cancelled online; please contact us.'
        : `An order that is ${status.toLowerCase().replaceAll('_', ' ')} cannot be cancelled.`;
  return { __typename: 'OrderNotCancellableError', message, status };
}

/** Who may ask at all: customers (for their own orders) and staff; nobody anonymous. */
function checkCaller(viewer: Viewer) {
  if (viewer.roles.length === 0) throw unauthenticated('Sign in to cancel an order.');
  if (!hasRole(viewer, 'staff', 'admin') && !customerIdOf(viewer)) {
    throw forbidden('Only customers and staff may cancel orders.');
  }
}

/**
 * cancelOrder: the shipments service decides whether anything has shipped (and cancels the
 * shipments when not), then the reservation is released and the authorization voided, each
 * idempotent by the order id, and last one transaction cancels the order with its events. No
 * transaction is open while another service or the payment provider is called; a failure on
 * the way is thrown, and a retry with the same key carries the cancellation through. The
 * cancellation is recorded before the shipments service is asked, so that if this process dies
 * on the way the saga recovery carries it through as well (`resume`).
 */
export function createOrderCancellation({
  db,
  shipments,
  inventory,
  payments,
  log,
}: {
  db: Database;
  /** null when this service was started without the shipments service's URL */
  shipments: ShipmentsClient | null;
  inventory: Pick<InventoryClient, 'releaseReservation'>;
  payments: PaymentProvider;
  log: Logger;
}) {
  const repository = createLifecycleRepository({ db });
  const cancellations = createCancellationsRepository({ db });

  /** the shipments cancelled, the stock and the payment let go; false when something shipped */
  async function letGo(orderId: string, requestId: string | undefined): Promise<boolean> {
    if (!shipments) {
      throw codedError('SERVICE_UNAVAILABLE', 'The shipments service is not configured.');
    }
    if (!(await shipments.cancelOrderShipments({ orderId }, requestId))) return false;
    await inventory.releaseReservation({ reservationId: orderId }, requestId);
    const [payment] = await repository.findPayments(orderId);
    if (payment) {
      await payments
        .void({ authorizationId: payment.authorizationId, idempotencyKey: `void:${orderId}` })
        .catch((error: unknown) => {
          throw codedError('SERVICE_UNAVAILABLE', 'The payment provider is unavailable.', {
            cause: String(error),
          });
        });
    }
    return true;
  }

  async function decide(
    viewer: Viewer,
    orderId: string,
    { reason, requestId }: { reason: string | null; requestId: string | undefined },
  ): Promise<{ order: OrderRow } | OrderNotCancellable | OrderNotFound> {
    const order = isUuid(orderId) ? ((await repository.findOrder(orderId)) ?? null) : null;
    const visible =
      order && (hasRole(viewer, 'staff', 'admin') || customerIdOf(viewer) === order.customerId);
    // another customer's order is answered as missing: its existence is not theirs to learn
    if (!order || !visible) return orderNotFound(orderId);
    if (!mayCancel(viewer, order)) return notCancellable(order.status);
    if (!shipments) {
      throw codedError('SERVICE_UNAVAILABLE', 'The shipments service is not configured.');
    }
    await cancellations.begin({ orderId: order.id, reason, cancelledBy: cancelledByOf(viewer) });
    if (!(await letGo(order.id, requestId))) {
      await cancellations.settle(order.id);
      return notCancellable(order.status, true);
    }
    return { order };
  }

  return {
    async cancelOrder({
      viewer,
      input,
      requestId,
    }: {
      viewer: Viewer;
      input: CancelOrderInputShape;
      requestId?: string;
    }): Promise<CancelOrderOutcome> {
      checkCaller(viewer);
      const reason = input.reason?.trim() || null;
      const problem = firstProblem(
        checkIdempotencyKey(input.idempotencyKey),
        checkText(input.orderId, { field: 'orderId', max: 100 }),
        checkText(reason, { field: 'reason', max: MAX_REASON_LENGTH, required: false }),
      );
      if (problem) return problem;
      const scope = `cancelOrder:${viewer.subject ?? ''}`;
      const request = { orderId: input.orderId, reason, idempotencyKey: input.idempotencyKey };
      const stored = await repository.findStoredResult(scope, input.idempotencyKey);
      if (stored) {
        return stored.requestHash === hashRequest(request)
          ? (stored.result as CancelOrderOutcome)
          : invalidInput(
              'This idempotencyKey was already used with a different input.',
              'idempotencyKey',
            );
      }
      const decided = await decide(viewer, input.orderId, { reason, requestId });
      const cancelledBy = cancelledByOf(viewer);
      return withIdempotency<CancelOrderSuccessResult | OrderNotCancellable | OrderNotFound>(db, {
        scope,
        key: input.idempotencyKey,
        input: request,
        run: async (tx) => {
          if (!('order' in decided)) return decided;
          await cancelInTransaction(tx, decided.order.id, {
            reason,
            cancelledBy,
            actor: actorOf(viewer),
            log,
          });
          return { __typename: 'CancelOrderSuccess', orderId: decided.order.id };
        },
      });
    },

    /**
     * Carries through a cancellation whose process died on the way (saga-recovery.ts): the same
     * idempotent calls, then the order's transaction, which runs `fence` first. A retry of the
     * original request then finds the order cancelled.
     */
    async resume(
      { orderId, reason, cancelledBy }: OrderCancellationRow,
      { fence }: { fence?: ((tx: Database) => Promise<void>) | undefined } = {},
    ): Promise<'cancelled' | 'shipped'> {
      const cancels = await letGo(orderId, undefined);
      await transaction(db, async (tx) => {
        await fence?.(tx);
        // who asked is known only as staff or the customer: the request's viewer is gone
        if (cancels)
          await cancelInTransaction(tx, orderId, { reason, cancelledBy, actor: null, log });
        else await createCancellationsRepository({ db: tx }).settle(orderId);
      });
      return cancels ? 'cancelled' : 'shipped';
    },
  };
}

const cancelledByOf = (viewer: Viewer) =>
  hasRole(viewer, 'staff', 'admin') ? 'staff' : 'customer';

/** The order's side of a cancellation the shipments service has agreed to: one transaction. */
async function cancelInTransaction(
  tx: Database,
  orderId: string,
  {
    reason,
    cancelledBy,
    actor,
    log,
  }: { reason: string | null; cancelledBy: string; actor: Actor | null; log: Logger },
) {
  const repository = createLifecycleRepository({ db: tx });
  const order = await repository.lockOrder(orderId);
  await createCancellationsRepository({ db: tx }).settle(orderId);
  // a twin request with another key (or recovery) got here first
  if (!order || order.status === 'CANCELLED') return;
  if (!canMoveOrder(order.status, 'CANCELLED')) {
    log.error({ orderId, status: order.status }, 'shipments agreed to cancel a shipped order');
    throw codedError('INTERNAL_SERVER_ERROR', 'The order could not be cancelled.');
  }
  const voids = canMovePayment(order.paymentStatus, 'VOIDED');
  await repository.moveOrder(orderId, {
    status: 'CANCELLED',
    ...(voids ? { paymentStatus: 'VOIDED' } : {}),
  });
  if (voids) await repository.setPaymentStatus(orderId, 'VOIDED');
  const common = {
    orderId,
    customerId: order.customerId,
    actor: actor ?? {
      kind: cancelledBy === 'staff' ? ('STAFF' as const) : ('CUSTOMER' as const),
      id: cancelledBy === 'staff' ? null : order.customerId,
      name: null,
    },
  };
  await appendEvent(
    tx,
    ordersEvents.event({
      streamType: 'order',
      streamId: orderId,
      type: 'order.cancelled',
      payload: { ...common, number: order.number, reason, cancelledBy },
    }),
  );
  if (voids) {
    await appendEvent(
      tx,
      ordersEvents.event({
        streamType: 'order',
        streamId: orderId,
        type: 'payment.voided',
        payload: { ...common, amount: order.total, currency: order.currency },
      }),
    );
  }
}

export type OrderCancellation = ReturnType<typeof createOrderCancellation>;
