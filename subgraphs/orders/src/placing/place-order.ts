import {
  codedError,
  hashRequest,
  type Actor,
  type Database,
  type Logger,
  transaction,
} from '@ordergraph/shared';
import type { CatalogClient, QuoteResult } from '../clients/catalog.js';
import type { InventoryClient } from '../clients/inventory.js';
import { claimOrAwait, type ClaimTiming } from './order-requests.js';
import {
  createOrderRequestsRepository,
  type Claim,
  type SagaProgress,
} from './order-requests.repository.js';
import { undoActions, type SagaStep } from './order-saga.js';
import {
  paymentDeclined,
  type OrderRequest,
  type PlaceOrderFailure,
  type PlaceOrderOutcome,
  type PlaceOrderSuccessResult,
} from './place-order-inputs.js';
import { createOrdersRepository } from '../orders.repository.js';
import type { PaymentProvider } from '../payments/payment-provider.js';
import { priceFromQuote } from './pricing.js';
import { createSagaEffects } from './saga-effects.js';

/** the claim was taken over by another attempt, whose result is the one to return */
const SUPERSEDED: unique symbol = Symbol('superseded');

// thrown by a step that could not be recorded: this attempt no longer holds the claim
class Superseded extends Error {}

// the catalog names quote's input fields; placeOrder's input nests them differently
function fromCatalog(result: Exclude<QuoteResult, { __typename: 'Quote' }>): PlaceOrderFailure {
  if (result.__typename !== 'InvalidInputError') return result;
  const field = result.field === 'shippingCountry' ? 'shippingAddress.country' : result.field;
  return { ...result, field };
}

/**
 * placeOrder as a saga: price with the catalog, redeem the promo code, reserve stock, authorize
 * the payment, then write the order in one transaction and confirm the reservation. Each step is
 * recorded in the order request's row before its call (see order-saga.ts), so that when this
 * process dies any replica's recovery undoes what it began; while it lives, a failing step has
 * the ones before it undone here, in reverse, with the same calls. No database transaction is
 * held open across calls to other services.
 */
export function createOrderPlacement({
  db,
  catalog,
  inventory,
  payments,
  log,
  timing = {},
}: {
  db: Database;
  catalog: CatalogClient;
  inventory: InventoryClient;
  payments: PaymentProvider;
  log: Logger;
  timing?: ClaimTiming;
}) {
  const requests = createOrderRequestsRepository({ db });
  const effects = createSagaEffects({ catalog, inventory, payments, log });

  /** undoes every recorded step, each even when one fails; true when all went through */
  async function undo(progress: SagaProgress, orderId: string, requestId: string | undefined) {
    let done = true;
    for (const action of undoActions(progress.steps, progress.authorizationId)) {
      await effects.run(action, { orderId, requestId }).catch((error: unknown) => {
        done = false;
        log.error(
          { err: error, orderId, action: action.kind },
          'could not undo a step; recovery will',
        );
      });
    }
    return done;
  }

  /** settles the request, leaving it to recovery when the database does not answer */
  const settle = (claim: Claim, steps?: SagaStep[]) =>
    requests
      .settle(claim, steps)
      .catch((error: unknown) =>
        log.warn({ err: error, orderId: claim.orderId }, 'could not settle the order request'),
      );

  async function runSaga(
    { claim, progress: recorded }: { claim: Claim; progress: SagaProgress },
    request: OrderRequest,
    requestId: string | undefined,
    actor: Actor,
  ): Promise<PlaceOrderOutcome | typeof SUPERSEDED> {
    const { orderId } = claim;
    let progress: SagaProgress = { ...recorded, steps: [...recorded.steps] };

    const begin = async (...steps: SagaStep[]) => {
      const next = {
        ...progress,
        steps: [...progress.steps, ...steps.filter((step) => !progress.steps.includes(step))],
      };
      if (!(await requests.record(claim, next))) throw new Superseded();
      progress = next;
    };
    // another attempt holds the key now: a retry that took it over goes on under the same ids,
    // so its steps are left alone; a failure recorded by recovery has this attempt's undone too,
    // as has a claim no longer on these ids
    const lost = async (): Promise<typeof SUPERSEDED> => {
      const row = await requests.find(claim);
      const shared = row?.orderId === orderId;
      const failed =
        row?.status === 'COMPLETED' && row.result?.['__typename'] !== 'PlaceOrderSuccess';
      if (!shared || failed) await undo(progress, orderId, requestId);
      return SUPERSEDED;
    };
    // the result is stored before anything is undone: if this process dies while undoing,
    // recovery finds the failure unsettled and undoes the steps again
    const fail = async (
      failure: PlaceOrderFailure,
    ): Promise<PlaceOrderFailure | typeof SUPERSEDED> => {
      if (!(await requests.complete(claim, failure, progress.steps))) return lost();
      if (await undo(progress, orderId, requestId)) await settle(claim);
      return failure;
    };

    try {
      const quote = await catalog.quote(
        {
          lines: request.lines,
          promoCode: request.promoCode,
          shippingCountry: request.shippingAddress.country,
        },
        requestId,
      );
      if (quote.__typename !== 'Quote') return await fail(fromCatalog(quote));
      const priced = priceFromQuote(quote, request.lines);

      const code = priced.promoCode;
      if (code) {
        await begin('QUOTED', 'PROMO_REDEEMED');
        const redeemed = await catalog.redeemPromoCode({ code, redemptionKey: orderId }, requestId);
        if (redeemed.__typename !== 'RedeemPromoCodeSuccess') return await fail(redeemed);
      }

      await begin('QUOTED', 'STOCK_RESERVED');
      const reserved = await inventory.reserveStock(
        { reservationId: orderId, lines: request.lines },
        requestId,
      );
      if (reserved.__typename !== 'ReserveStockSuccess') return await fail(reserved);

      await begin('PAYMENT_AUTHORIZED');
      const authorization = await payments
        .authorize({
          token: request.token,
          amountMinor: priced.total,
          currency: priced.currency,
          idempotencyKey: orderId,
        })
        .catch((error: unknown) => {
          throw codedError('SERVICE_UNAVAILABLE', 'The payment provider is unavailable.', {
            cause: String(error),
          });
        });
      if (authorization.status === 'declined') {
        return await fail(paymentDeclined(authorization.reason));
      }
      const { authorizationId } = authorization;
      // recovery voids it by this id; were this write lost, it asks the provider by the key
      progress = { ...progress, authorizationId };
      await requests.record(claim, progress);

      const success: PlaceOrderSuccessResult = { __typename: 'PlaceOrderSuccess', orderId };
      const committed: SagaStep[] = [...progress.steps, 'COMMITTED'];
      const saved = await transaction(db, async (tx) => {
        const inTx = createOrderRequestsRepository({ db: tx });
        if (!(await inTx.complete(claim, success, committed))) return false;
        await createOrdersRepository({ db: tx }).insertPlacedOrder({
          id: orderId,
          customerId: request.customerId,
          priced,
          shippingAddress: request.shippingAddress,
          payment: { provider: payments.name, authorizationId },
          allocations: reserved.allocations,
          actor,
        });
        return true;
      });
      if (!saved) return await lost();
      // the order stands whatever happens now; an unconfirmed reservation is left to recovery
      await effects
        .run({ kind: 'confirmReservation' }, { orderId, requestId })
        .then(() => settle(claim, [...committed, 'CONFIRMED']))
        .catch((error: unknown) =>
          log.warn({ err: error, orderId }, 'could not confirm the reservation; recovery will'),
        );
      return success;
    } catch (error) {
      if (error instanceof Superseded) return lost();
      // unexpected failures leave nothing behind when every step is undone, so a retry with
      // the same key runs afresh; otherwise the row stays, for recovery to finish the undoing
      const held = await requests.record(claim, progress).catch((recordError: unknown) => {
        log.error({ err: recordError, orderId }, 'could not reach the order request');
        return true;
      });
      if (held && (await undo(progress, orderId, requestId))) {
        await requests.release(claim).catch((releaseError: unknown) => {
          log.error({ err: releaseError, orderId }, 'could not release the order request');
        });
      }
      throw error;
    }
  }

  return {
    /** places the order once per (customer, idempotency key), whatever the retries */
    async placeOrder({
      request,
      idempotencyKey,
      requestId,
      actor,
    }: {
      request: OrderRequest;
      idempotencyKey: string;
      requestId?: string;
      /** who places it, for its events; not part of the request a retry must repeat */
      actor: Actor;
    }): Promise<PlaceOrderOutcome> {
      const scope = request.customerId;
      const requestHash = hashRequest(request);
      for (;;) {
        const claimed = await claimOrAwait(requests, {
          scope,
          key: idempotencyKey,
          requestHash,
          ...timing,
        });
        if ('result' in claimed) return claimed.result;
        const outcome = await runSaga(claimed, request, requestId, actor);
        if (outcome !== SUPERSEDED) return outcome;
      }
    },
  };
}

export type OrderPlacement = ReturnType<typeof createOrderPlacement>;
