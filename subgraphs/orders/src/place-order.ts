import { codedError, hashRequest, type Database, type Logger } from '@ordergraph/shared';
import type { CatalogClient, QuoteResult } from './clients/catalog.js';
import type { InventoryClient } from './clients/inventory.js';
import { claimOrAwait, type ClaimTiming } from './order-requests.js';
import { createOrderRequestsRepository, type Claim } from './order-requests.repository.js';
import {
  paymentDeclined,
  type OrderRequest,
  type PlaceOrderFailure,
  type PlaceOrderOutcome,
  type PlaceOrderSuccessResult,
} from './orders.js';
import { createOrdersRepository } from './orders.repository.js';
import type { PaymentProvider } from './payments/payment-provider.js';
import { priceFromQuote } from './pricing.js';

/** the claim was taken over by another attempt, whose result is the one to return */
const SUPERSEDED = Symbol('superseded');

interface Compensation {
  what: string;
  run: () => Promise<unknown>;
}

// the catalog names quote's input fields; placeOrder's input nests them differently
function fromCatalog(result: Exclude<QuoteResult, { __typename: 'Quote' }>): PlaceOrderFailure {
  if (result.__typename !== 'InvalidInputError') return result;
  const field = result.field === 'shippingCountry' ? 'shippingAddress.country' : result.field;
  return { ...result, field };
}

/**
 * placeOrder as a saga: price with the catalog, redeem the promo code, reserve stock, authorize
 * the payment, then write the order in one transaction. Each step done is undone, in reverse,
 * when a later one fails; no database transaction is held open across calls to other services.
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

  async function compensate(undo: Compensation[], orderId: string) {
    // every compensation runs even when one fails; a failure is logged for an operator
    for (const { what, run } of undo.splice(0).reverse()) {
      await run().catch((error: unknown) =>
        log.error({ err: error, orderId }, `could not undo the ${what}`),
      );
    }
  }

  async function runSaga(
    claim: Claim,
    request: OrderRequest,
    requestId: string | undefined,
  ): Promise<PlaceOrderOutcome | typeof SUPERSEDED> {
    const { orderId } = claim;
    const undo: Compensation[] = [];
    // a call whose answer never came may still have acted, so it is undone as well
    const step = async <R>(
      compensation: Compensation,
      call: () => Promise<R>,
      succeeded: (result: R) => boolean,
    ): Promise<R> => {
      try {
        const result = await call();
        if (succeeded(result)) undo.push(compensation);
        return result;
      } catch (error) {
        undo.push(compensation);
        throw error;
      }
    };
    // the result is stored before anything is undone: an attempt that lost its claim leaves
    // the steps alone, since the attempt that took over shares their ids
    const fail = async (failure: PlaceOrderFailure) => {
      if (!(await requests.complete(claim, failure))) return SUPERSEDED;
      await compensate(undo, orderId);
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
        const redeemed = await step(
          {
            what: 'promo code redemption',
            run: () => catalog.releasePromoCode({ redemptionKey: orderId }, requestId),
          },
          () => catalog.redeemPromoCode({ code, redemptionKey: orderId }, requestId),
          (result) => result.__typename === 'RedeemPromoCodeSuccess',
        );
        if (redeemed.__typename !== 'RedeemPromoCodeSuccess') return await fail(redeemed);
      }

      const reserved = await step(
        {
          what: 'stock reservation',
          run: () => inventory.releaseReservation({ reservationId: orderId }, requestId),
        },
        () => inventory.reserveStock({ reservationId: orderId, lines: request.lines }, requestId),
        (result) => result.__typename === 'ReserveStockSuccess',
      );
      if (reserved.__typename !== 'ReserveStockSuccess') return await fail(reserved);

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
      undo.push({
        what: 'payment authorization',
        run: () => payments.void({ authorizationId, idempotencyKey: `void:${orderId}` }),
      });

      const success: PlaceOrderSuccessResult = { __typename: 'PlaceOrderSuccess', orderId };
      const saved = await db.transaction(async (transaction) => {
        const tx = transaction as unknown as Database;
        if (!(await createOrderRequestsRepository({ db: tx }).complete(claim, success))) {
          return false;
        }
        await createOrdersRepository({ db: tx }).insertPlacedOrder({
          id: orderId,
          customerId: request.customerId,
          priced,
          shippingAddress: request.shippingAddress,
          payment: { provider: payments.name, authorizationId },
          allocations: reserved.allocations,
        });
        return true;
      });
      return saved ? success : SUPERSEDED;
    } catch (error) {
      // unexpected failures leave nothing behind, so a retry with the same key runs afresh
      const held = await requests.release(claim).catch((releaseError: unknown) => {
        log.error({ err: releaseError, orderId }, 'could not release the order request');
        return true;
      });
      if (held) await compensate(undo, orderId);
      throw error;
    }
  }

  return {
    /** places the order once per (customer, idempotency key), whatever the retries */
    async placeOrder({
      request,
      idempotencyKey,
      requestId,
    }: {
      request: OrderRequest;
      idempotencyKey: string;
      requestId?: string;
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
        const outcome = await runSaga(claimed.claim, request, requestId);
        if (outcome !== SUPERSEDED) return outcome;
      }
    },
  };
}

export type OrderPlacement = ReturnType<typeof createOrderPlacement>;
