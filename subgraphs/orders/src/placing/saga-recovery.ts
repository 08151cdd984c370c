import {
  LeaseLostError,
  startLeasedSweep,
  startPeriodicSweep,
  sweepInBatches,
  type PeriodicSweep,
  type Database,
  type DatabaseHandle,
  type Logger,
  type SweepLeaseOptions,
  transaction,
} from '@ordergraph/shared';
import type { OrderCancellation } from '../lifecycle/cancel-order.js';
import { createCancellationsRepository } from '../lifecycle/cancellations.repository.js';
import type { OrderRequestRow } from '../db/schema.js';
import { createOrderRequestsRepository } from './order-requests.repository.js';
import { recoveryActions, type SagaStep } from './order-saga.js';
import { placeOrderInterrupted } from './place-order-inputs.js';
import type { RefundFlow } from '../returns/refund-flow.js';
import { createRefundsRepository } from '../returns/refunds.repository.js';
import type { SagaEffects } from './saga-effects.js';

/** The lease under which one replica at a time recovers abandoned placeOrder attempts. */
export const SAGA_RECOVERY_LEASE = 'orders:saga-recovery';

/** sweep() recovers every attempt (cancellation, refund) abandoned now; resolves with how many */
export type SagaRecovery = PeriodicSweep;

/**
 * Finishes the placeOrder attempts nobody has touched for `afterMs` (their process died, or
 * its work was cut short) from the steps their rows record: see recoveryActions. The undoing
 * and confirming are the saga's own idempotent calls (saga-effects.ts); the rows are written
 * in transactions that run `fence` first (the lease's). An attempt that cannot be finished now
 * (a service is down) is touched, so that it is tried again `afterMs` later. Given
 * `cancellation`, the cancellations left unsettled as long are carried through the same way;
 * given `refunds`, the returns whose refunds were left PENDING as long are paid back.
 */
export function startSagaRecovery({
  handle,
  effects,
  cancellation,
  refunds,
  afterMs,
  log,
  fence,
  pollIntervalMs = Math.min(10_000, Math.max(100, Math.floor(afterMs / 3))),
  batchSize = 50,
}: {
  handle: DatabaseHandle;
  effects: SagaEffects;
  /** cancelOrder's saga; cancellations are left alone without it */
  cancellation?: Pick<OrderCancellation, 'resume'> | undefined;
  /** refundReturn's flow; refunds left PENDING are left alone without it */
  refunds?: Pick<RefundFlow, 'resume'> | undefined;
  /** how long an unsettled attempt stays untouched before it counts as abandoned */
  afterMs: number;
  log: Logger;
  fence?: (tx: Database) => Promise<void>;
  pollIntervalMs?: number;
  batchSize?: number;
}): SagaRecovery {
  const requests = createOrderRequestsRepository({ db: handle.db });
  const cancellations = createCancellationsRepository({ db: handle.db });
  const refundRows = createRefundsRepository({ db: handle.db });

  const write = <T>(work: (repository: typeof requests) => Promise<T>) =>
    transaction(handle.db, async (tx) => {
      await fence?.(tx);
      return work(createOrderRequestsRepository({ db: tx }));
    });

  /** true when the attempt is settled now; false when it moved under recovery's feet */
  const recover = async (row: OrderRequestRow): Promise<boolean> => {
    const key = { scope: row.scope, key: row.idempotencyKey };
    const { orderId } = row;
    let steps: SagaStep[] = row.steps;
    const actions = recoveryActions({
      status: row.status,
      result: typeof row.result?.['__typename'] === 'string' ? row.result['__typename'] : null,
      steps,
      authorizationId: row.authorizationId,
    });
    for (const action of actions) {
      if (action.kind === 'recordInterrupted') {
        if (!(await write((inTx) => inTx.completeAbandoned(row, placeOrderInterrupted())))) {
          return false;
        }
      } else if (action.kind === 'settle') {
        await write((inTx) => inTx.settle(key, steps));
      } else {
        await effects.run(action, { orderId });
        if (action.kind === 'confirmReservation') steps = [...steps, 'CONFIRMED'];
      }
    }
    log.warn(
      { orderId, status: row.status, steps: row.steps, actions: actions.map(({ kind }) => kind) },
      'recovered an abandoned placeOrder attempt',
    );
    return true;
  };

  /**
   * Carries what `find` returns through with `carry`, a batch at a time, until a batch comes
   * back short: one that fails (but for a lost lease) is logged and touched, so that it is
   * tried again `afterMs` later. Resolves with how many `carry` finished.
   */
  const carryAbandoned = <T>({
    stopped,
    find,
    carry,
    touch,
    context,
    what,
  }: {
    stopped: () => boolean;
    find: (options: { idleMs: number; limit: number }) => Promise<T[]>;
    /** false when there was nothing left to do */
    carry: (item: T) => Promise<boolean>;
    touch: (item: T) => Promise<unknown>;
    context: (item: T) => Record<string, unknown>;
    what: string;
  }): Promise<number> =>
    sweepInBatches({
      stopped,
      batchSize,
      find: (limit) => find({ idleMs: afterMs, limit }),
      async each(item) {
        try {
          return await carry(item);
        } catch (error) {
          if (error instanceof LeaseLostError) throw error;
          log.warn({ err: error, ...context(item) }, `could not carry ${what} through yet`);
          await touch(item);
          return false;
        }
      },
    });

  const resumeCancellations = async (stopped: () => boolean) =>
    cancellation
      ? carryAbandoned({
          stopped,
          find: (options) => cancellations.findAbandoned(options),
          async carry(row) {
            const outcome = await cancellation.resume(row, { fence });
            log.warn(
              { orderId: row.orderId, outcome },
              'carried an abandoned cancellation through',
            );
            return true;
          },
          touch: (row) => cancellations.touch(row.orderId),
          context: (row) => ({ orderId: row.orderId }),
          what: 'a cancellation',
        })
      : 0;

  const resumeRefunds = async (stopped: () => boolean) =>
    refunds
      ? carryAbandoned({
          stopped,
          find: (options) => refundRows.findAbandonedReturns(options),
          async carry(returnId) {
            const finished = await refunds.resume(returnId, { fence });
            // a refundReturn call settled them in the meantime
            if (!finished) return false;
            for (const { id, providerKey, amount, currency } of finished.refunds) {
              log.warn(
                {
                  returnId,
                  refundId: id,
                  providerKey,
                  amount,
                  currency,
                  outcome: finished.outcome,
                },
                'carried an abandoned refund through',
              );
            }
            return true;
          },
          touch: (returnId) => refundRows.touchPending(returnId),
          context: (returnId) => ({ returnId }),
          what: 'a refund',
        })
      : 0;

  const pass = async (stopped: () => boolean) => {
    let recovered = (await resumeCancellations(stopped)) + (await resumeRefunds(stopped));
    for (;;) {
      const abandoned = await requests.findAbandoned({ idleMs: afterMs, limit: batchSize });
      let moved = 0;
      for (const row of abandoned) {
        if (stopped()) return recovered;
        try {
          if (await recover(row)) recovered++;
          else moved++;
        } catch (error) {
          // another replica holds the lease now: it goes on from the rows as they are
          if (error instanceof LeaseLostError) throw error;
          log.warn({ err: error, orderId: row.orderId }, 'could not recover an attempt yet');
          await requests.touch({ scope: row.scope, key: row.idempotencyKey });
          moved++;
        }
      }
      // rows that stay behind are touched or were taken: the next batch holds others
      if (abandoned.length < batchSize || moved === abandoned.length) return recovered;
    }
  };

  return startPeriodicSweep({
    pass,
    intervalMs: pollIntervalMs,
    log,
    failure: 'recovering placeOrder attempts failed; retrying',
  });
}

/** startSagaRecovery on whichever replica holds its lease, fenced by it. */
export function startLeasedSagaRecovery({
  effects,
  cancellation,
  refunds,
  afterMs,
  ...lease
}: SweepLeaseOptions & {
  effects: SagaEffects;
  cancellation?: Pick<OrderCancellation, 'resume'> | undefined;
  refunds?: Pick<RefundFlow, 'resume'> | undefined;
  afterMs: number;
}): Promise<{ stop(): Promise<void> }> {
  const { handle, log } = lease;
  return startLeasedSweep({
    ...lease,
    name: SAGA_RECOVERY_LEASE,
    start: (fence) =>
      startSagaRecovery({ handle, effects, cancellation, refunds, afterMs, log, fence }),
  });
}
