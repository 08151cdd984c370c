import {
  actorOf,
  appendEvent,
  ordersEvents,
  codedError,
  hashRequest,
  invalidInput,
  isUuid,
  readActor,
  systemActor,
  toMoney,
  type Actor,
  type Database,
  type InvalidInput,
  type Money,
  type Viewer,
  transaction,
} from '@ordergraph/shared';
import type { RefundRow } from '../db/schema.js';
import type { PaymentProvider } from '../payments/payment-provider.js';
import type { RefundRequest } from './return-inputs.js';
import { settlePaymentAfterRefund } from './return-effects.js';
import { lockForMove, returnNotFound, type ReturnNotFound } from './return-results.js';
import { spreadRefund, type InvalidReturnTransition } from './returns.js';
import { createRefundsRepository } from './refunds.repository.js';
import { createReturnsRepository } from './returns.repository.js';

// a refund reads and writes returns and refunds together, in one transaction
const repositoriesOf = (db: Database) => ({
  ...createReturnsRepository({ db }),
  ...createRefundsRepository({ db }),
});
type Repositories = ReturnType<typeof repositoriesOf>;
type Answers = Map<string, Awaited<ReturnType<PaymentProvider['refund']>>>;

/** What refundReturn stores as its result: ids and minor units, resolved on every read. */
export type RefundReturnSuccessResult = {
  __typename: 'RefundReturnSuccess';
  returnId: string;
  amount: number;
  currency: string;
};
export type RefundNotAllowed = {
  __typename: 'RefundNotAllowedError';
  message: string;
  requested: Money;
  refundable: Money;
};
export type RefundFailed = { __typename: 'RefundFailedError'; message: string; reason: string };

export type RefundOutcome =
  | RefundReturnSuccessResult
  | ReturnNotFound
  | InvalidReturnTransition
  | RefundNotAllowed
  | RefundFailed
  | InvalidInput;

const sum = (rows: readonly { amount: number }[]) =>
  rows.reduce((total, row) => total + row.amount, 0);
const paidOrUnderWay = (row: RefundRow) => row.status !== 'FAILED';

/** the claim's answer: a result to return, or the refunds to ask the provider for */
type Started = { result: RefundOutcome } | { pending: RefundRow[] };

/**
 * refundReturn in three steps, since the payment provider is never called inside a transaction:
 * (1) check the return and write its refunds PENDING, one per capture, each with a provider key;
 * (2) ask the provider for each, outside any transaction; (3) settle them, and mark the return
 * REFUNDED with its events once all are paid. A call that finds refunds of the return still
 * PENDING (a call that died, or a twin still running) finishes those instead of starting new
 * ones, and the provider answers a repeated key with its first answer: the money moves once.
 */
export function createRefundFlow({ db, payments }: { db: Database; payments: PaymentProvider }) {
  async function start(
    repository: Repositories,
    {
      returnId,
      request,
      scope,
      key,
      requestHash,
      actor,
    }: {
      returnId: string;
      request: RefundRequest;
      scope: string;
      key: string;
      requestHash: string;
      actor: Actor;
    },
  ): Promise<Started> {
    const locked = await lockForMove(repository, returnId, 'REFUNDED');
    const claim = await repository.claimKey({ scope, key, requestHash });
    if (claim.state === 'mismatch') {
      return {
        result: invalidInput(
          'This idempotencyKey was already used with a different input.',
          'idempotencyKey',
        ),
      };
    }
    // stored by finish() for this scope, so it has the shape of an outcome
    if (claim.state === 'done') return { result: claim.result as RefundOutcome };
    const conclude = async (result: RefundOutcome): Promise<Started> => {
      await repository.storeResult({ scope, key, result });
      return { result };
    };
    if ('__typename' in locked) return conclude(locked);
    const { found, order } = locked;
    const ofOrder = await repository.findRefundsByOrderId(order.id);
    const ofReturn = ofOrder.filter((row) => row.returnId === returnId);
    const pending = ofReturn.filter((row) => row.status === 'PENDING');
    if (pending.length > 0) {
      // under way again: recovery leaves them to this call
      await repository.touchPending(returnId);
      return { pending };
    }

    const lines = await repository.findLinesByReturnIds([returnId]);
    const worth = sum(lines);
    if (request.amount && request.amount.currency !== found.currency) {
      return conclude(
        invalidInput(
          `The refund must be in the order's currency, ${found.currency}.`,
          'amount.currencyCode',
        ),
      );
    }
    const target = request.amount?.minor ?? worth;
    if (target > worth) {
      const most = toMoney(worth, found.currency);
      return conclude(
        invalidInput(
          `The return's lines are worth ${most.amount} ${most.currencyCode} at most.`,
          'amount.amount',
        ),
      );
    }
    // parts paid by an earlier attempt that the provider then refused in part
    const toPay = Math.max(0, target - sum(ofReturn.filter((row) => row.status === 'REFUNDED')));
    const captures = (await repository.findCaptures(order.id)).map(({ captureId, amount }) => ({
      captureId,
      refundable:
        amount - sum(ofOrder.filter((row) => row.captureId === captureId && paidOrUnderWay(row))),
    }));
    const refundable = sum(captures.map(({ refundable: amount }) => ({ amount })));
    if (toPay > refundable) {
      const money = (amount: number) => toMoney(amount, found.currency);
      return conclude({
        __typename: 'RefundNotAllowedError',
        message: `Only ${money(refundable).amount} ${found.currency} of the captured payment can still be refunded.`,
        requested: money(toPay),
        refundable: money(refundable),
      });
    }
    const parts = spreadRefund(toPay, captures);
    const written = await repository.insertRefunds(
      parts.map(({ captureId, amount }) => ({
        returnId,
        orderId: order.id,
        captureId,
        amount,
        currency: found.currency,
        providerKey: `refund:${returnId}:${found.refundAttempts}:${captureId}`,
        actor,
      })),
    );
    return { pending: written };
  }

  /** the provider's answer to each refund, by refund id, asked outside any transaction */
  async function ask(pending: readonly RefundRow[]): Promise<Answers> {
    const answers: Answers = new Map();
    for (const part of pending) {
      const answer = await payments
        .refund({
          captureId: part.captureId,
          amountMinor: part.amount,
          idempotencyKey: part.providerKey,
        })
        .catch((error: unknown) => {
          // the refunds stay PENDING: a retry asks again under the same keys
          throw codedError('SERVICE_UNAVAILABLE', 'The payment provider is unavailable.', {
            cause: String(error),
          });
        });
      answers.set(part.id, answer);
    }
    return answers;
  }

  /**
   * settles the refunds the provider answered, and the return once all its refunds are paid;
   * the outcome is stored under the request's idempotency key when there is one
   */
  async function finish(
    tx: Database,
    {
      returnId,
      batch,
      request,
    }: { returnId: string; batch: RefundRow[]; request: { scope: string; key: string } | null },
    answers: Answers,
  ): Promise<RefundOutcome> {
    const repository = repositoriesOf(tx);
    const store = async (result: RefundOutcome) => {
      if (request) await repository.storeResult({ ...request, result });
    };
    const [seen] = await repository.findByIds([returnId]);
    const order = (await repository.lockOrder(seen!.orderId))!;
    const found = (await repository.lockReturn(returnId))!;
    let settledHere = false;
    for (const [id, answer] of answers) {
      const changed = await repository.settleRefund(
        id,
        answer.status === 'refunded'
          ? { status: 'REFUNDED', providerRefundId: answer.refundId }
          : { status: 'FAILED', failureReason: answer.reason },
      );
      settledHere = settledHere || changed;
    }
    const ofOrder = await repository.findRefundsByOrderId(order.id);
    const settled = ofOrder.filter((row) => batch.some((part) => part.id === row.id));
    const refused = settled.find((row) => row.status === 'FAILED');
    let result: RefundOutcome;
    if (refused) {
      // the next attempt asks the provider under new keys; a twin that settled it counted it
      if (found.status === 'RECEIVED' && settledHere) {
        await repository.countRefundAttempt(returnId);
      }
      result = {
        __typename: 'RefundFailedError',
        message: 'The payment provider refused the refund.',
        reason: refused.failureReason ?? 'unknown',
      };
    } else if (found.status === 'REFUNDED') {
      result = refundSuccess(returnId, found.refundedAmount ?? 0, found.currency);
    } else {
      const paid = ofOrder.filter((row) => row.returnId === returnId && row.status === 'REFUNDED');
      const amount = sum(paid);
      await repository.markRefunded(returnId, amount);
      const captured = sum(await repository.findCaptures(order.id));
      const refunded = sum(ofOrder.filter((row) => row.status === 'REFUNDED'));
      await settlePaymentAfterRefund(tx, order, { captured, refunded });
      result = refundSuccess(returnId, amount, found.currency);
      await store(result);
      await appendEvent(
        tx,
        ordersEvents.event({
          streamType: 'order',
          streamId: order.id,
          type: 'refund.issued',
          payload: {
            orderId: order.id,
            customerId: order.customerId,
            returnId,
            amount,
            currency: found.currency,
            // the asker, kept with the refunds, even when recovery finishes what they began
            actor: readActor(batch.find((part) => part.actor)?.actor, systemActor('orders')),
          },
        }),
      );
      return result;
    }
    await store(result);
    return result;
  }

  return {
    async refundReturn({
      viewer,
      returnId,
      request,
      input,
      idempotencyKey: key,
    }: {
      viewer: Viewer;
      returnId: string;
      request: RefundRequest;
      input: Record<string, unknown>;
      idempotencyKey: string;
    }): Promise<RefundOutcome> {
      if (!isUuid(returnId)) return returnNotFound(returnId);
      const scope = `refundReturn:${viewer.subject ?? ''}`;
      const requestHash = hashRequest(input);
      const started = await transaction(db, (tx) =>
        start(repositoriesOf(tx), {
          returnId,
          request,
          scope,
          key,
          requestHash,
          actor: actorOf(viewer),
        }),
      );
      if ('result' in started) return started.result;
      const answers = await ask(started.pending);
      return transaction(db, (tx) =>
        finish(tx, { returnId, batch: started.pending, request: { scope, key } }, answers),
      );
    },

    /**
     * Finishes a return's refunds left PENDING by a call that died: asks the provider again
     * under their keys (it answers a repeated key with its first answer, so money moves once),
     * then settles them as refundReturn does, in a transaction that runs `fence` first. Null
     * when none is PENDING any more. Throws SERVICE_UNAVAILABLE when the provider is down.
     */
    async resume(
      returnId: string,
      { fence }: { fence?: ((tx: Database) => Promise<void>) | undefined } = {},
    ): Promise<{ refunds: RefundRow[]; outcome: RefundOutcome } | null> {
      const pending = await createRefundsRepository({ db }).findPending(returnId);
      if (pending.length === 0) return null;
      const answers = await ask(pending);
      const outcome = await transaction(db, async (tx) => {
        await fence?.(tx);
        return finish(tx, { returnId, batch: pending, request: null }, answers);
      });
      return { refunds: pending, outcome };
    },
  };
}

export type RefundFlow = ReturnType<typeof createRefundFlow>;

const refundSuccess = (
  returnId: string,
  amount: number,
  currency: string,
): RefundReturnSuccessResult => ({
  __typename: 'RefundReturnSuccess',
  returnId,
  amount,
  currency,
});
