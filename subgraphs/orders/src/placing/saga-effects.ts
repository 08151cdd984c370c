import { codedError, type Logger } from '@ordergraph/shared';
import type { CatalogClient } from '../clients/catalog.js';
import type { InventoryClient } from '../clients/inventory.js';
import type { SagaAction } from './order-saga.js';
import type { PaymentProvider } from '../payments/payment-provider.js';

/** The actions that call another service or the payment provider. */
export type CallAction = Extract<
  SagaAction,
  { kind: 'voidAuthorization' | 'releaseReservation' | 'releasePromoCode' | 'confirmReservation' }
>;

export const isCallAction = (action: SagaAction): action is CallAction =>
  action.kind !== 'recordInterrupted' && action.kind !== 'settle';

/**
 * The calls that undo or finish placeOrder's steps, each idempotent by the order id (which is
 * the redemption key, the reservation id and the authorization's idempotency key): the saga
 * makes them when a step fails, recovery makes the same ones after a crash, and making one
 * twice changes nothing.
 */
export function createSagaEffects({
  catalog,
  inventory,
  payments,
  log,
}: {
  catalog: Pick<CatalogClient, 'releasePromoCode'>;
  inventory: Pick<InventoryClient, 'releaseReservation' | 'confirmReservation'>;
  payments: PaymentProvider;
  log: Logger;
}) {
  const provider = async <T>(call: () => Promise<T>): Promise<T> =>
    call().catch((error: unknown) => {
      throw codedError('SERVICE_UNAVAILABLE', 'The payment provider is unavailable.', {
        cause: String(error),
      });
    });

  return {
    async run(
      action: CallAction,
      { orderId, requestId }: { orderId: string; requestId?: string | undefined },
    ): Promise<void> {
      switch (action.kind) {
        case 'voidAuthorization': {
          // an authorization whose answer was lost is found by the key it was asked with
          const authorizationId =
            action.authorizationId ??
            (await provider(() => payments.authorizationFor({ idempotencyKey: orderId })));
          if (authorizationId) {
            await provider(() =>
              payments.void({ authorizationId, idempotencyKey: `void:${orderId}` }),
            );
          }
          return;
        }
        case 'releaseReservation':
          await inventory.releaseReservation({ reservationId: orderId }, requestId);
          return;
        case 'releasePromoCode':
          await catalog.releasePromoCode({ redemptionKey: orderId }, requestId);
          return;
        case 'confirmReservation':
          if (!(await inventory.confirmReservation({ reservationId: orderId }, requestId))) {
            // the inventory let the stock go first (RESERVATION_TTL_MS): retrying cannot help
            log.error({ orderId }, 'the inventory no longer holds the stock of a placed order');
          }
          return;
      }
    },
  };
}

export type SagaEffects = ReturnType<typeof createSagaEffects>;
