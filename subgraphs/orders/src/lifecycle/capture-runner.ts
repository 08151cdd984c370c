import {
  appendEvent,
  readActor,
  ordersEvents,
  startLeasedWorker,
  systemActor,
  startWakeLoop,
  type DatabaseHandle,
  type Lease,
  type Logger,
  type SubgraphMetrics,
  transaction,
} from '@ordergraph/shared';
import {
  CAPTURES_CHANNEL,
  createLifecycleRepository,
  type PendingCapture,
} from './lifecycle.repository.js';
import { canMovePayment } from './order-status.js';
import type { CaptureResult, PaymentProvider } from '../payments/payment-provider.js';

export interface CaptureRunner {
  /** resolves once a look at the captures, begun after this call, found none pending */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

/** The name of the lease the capture runner holds. */
export const CAPTURES_LEASE = 'orders:captures';

/**
 * Takes the captures shipped shipments owe (payment_captures rows left PENDING by the shipments
 * consumer) through the payment provider. The provider is called outside any database
 * transaction, with the shipment id as its idempotency key, so a crash between the call and the
 * write only repeats a call that answers the same. Then, in one transaction: the capture is
 * settled, the order's paymentStatus becomes CAPTURED once the whole total is captured, and
 * `payment.captured` (or `payment.capture_failed`) is appended. Wakes on every commit to this
 * service's event log, and retries with backoff while the provider is unreachable. Among the
 * service's replicas it runs on the one holding the `orders:captures` lease, whose fence is
 * checked in each settling transaction: a capture settled by a former holder is refused, and
 * the holder's call with the same idempotency key answers the same.
 */
export async function startCaptureRunner({
  handle,
  payments,
  log,
  batchSize = 20,
  pollIntervalMs = 5_000,
  metrics,
  leaseTtlMs,
}: {
  handle: DatabaseHandle;
  payments: PaymentProvider;
  log: Logger;
  batchSize?: number;
  pollIntervalMs?: number;
  /** the service's metrics, where the lease shows */
  metrics?: Pick<SubgraphMetrics, 'registry'> | undefined;
  /** how soon another replica takes the captures over when this one dies */
  leaseTtlMs?: number | undefined;
}): Promise<CaptureRunner> {
  let running: CaptureRunner | null = null;
  const worker = await startLeasedWorker({
    handle,
    name: CAPTURES_LEASE,
    log,
    metrics,
    ttlMs: leaseTtlMs,
    async start(lease) {
      const runner = await runCaptures({ handle, payments, log, batchSize, pollIntervalMs, lease });
      running = runner;
      return {
        async stop() {
          running = null;
          await runner.stop();
        },
      };
    },
  });
  return {
    // on a replica without the lease there is nothing of its own to wait for
    settled: () => running?.settled() ?? Promise.resolve(),
    stop: worker.stop,
  };
}

/** The runner's work while its replica holds the lease. */
async function runCaptures({
  handle,
  payments,
  log,
  batchSize,
  pollIntervalMs,
  lease,
}: {
  handle: DatabaseHandle;
  payments: PaymentProvider;
  log: Logger;
  batchSize: number;
  pollIntervalMs: number;
  lease: Lease;
}): Promise<CaptureRunner> {
  const repository = createLifecycleRepository({ db: handle.db });
  let stopped = false;

  const settle = async (capture: PendingCapture) => {
    const result: CaptureResult =
      capture.amount === 0
        ? { status: 'captured', captureId: '' }
        : await payments.capture({
            authorizationId: capture.authorizationId,
            amountMinor: capture.amount,
            idempotencyKey: capture.shipmentId,
          });
    await transaction(handle.db, async (tx) => {
      await lease.fence(tx);
      const inTx = createLifecycleRepository({ db: tx });
      const order = await inTx.lockOrder(capture.orderId);
      const captured = result.status === 'captured';
      const settled = await inTx.settleCapture(capture.shipmentId, {
        status: captured ? 'CAPTURED' : 'FAILED',
        providerCaptureId: captured ? result.captureId || null : null,
        failureReason: captured ? null : result.reason,
      });
      if (!order || !settled) return;
      const common = {
        orderId: order.id,
        customerId: order.customerId,
        shipmentId: capture.shipmentId,
        amount: capture.amount,
        currency: capture.currency,
        // captures written before actors were kept read as the runner's own step
        actor: readActor(capture.actor, systemActor('orders')),
      };
      if (!captured) {
        log.error({ ...common, reason: result.reason }, 'the payment provider refused a capture');
        await inTx.moveOrder(order.id, {});
        await appendEvent(
          tx,
          ordersEvents.event({
            streamType: 'order',
            streamId: order.id,
            type: 'payment.capture_failed',
            payload: { ...common, reason: result.reason },
          }),
        );
        return;
      }
      const whole = (await inTx.capturedTotal(order.id)) >= order.total;
      const moves = whole && canMovePayment(order.paymentStatus, 'CAPTURED');
      await inTx.moveOrder(order.id, moves ? { paymentStatus: 'CAPTURED' } : {});
      if (moves) await inTx.setPaymentStatus(order.id, 'CAPTURED');
      await appendEvent(
        tx,
        ordersEvents.event({
          streamType: 'order',
          streamId: order.id,
          type: 'payment.captured',
          payload: { ...common, captureId: result.captureId || null },
        }),
      );
    });
  };

  const drain = async () => {
    for (;;) {
      if (stopped) return;
      const pending = await repository.findPendingCaptures(batchSize);
      if (pending.length === 0) return;
      for (const capture of pending) {
        if (stopped) return;
        await settle(capture);
      }
    }
  };

  const loop = await startWakeLoop({
    handle,
    drain,
    pollIntervalMs,
    channel: CAPTURES_CHANNEL,
    onError: (error) => log.warn({ err: error }, 'capturing payments failed; retrying'),
  });

  return {
    settled: loop.settled,
    async stop() {
      stopped = true;
      await loop.stop();
    },
  };
}
