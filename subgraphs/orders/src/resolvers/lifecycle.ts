import { toMoney } from '@ordergraph/shared';
import type { MutationResolvers, Resolvers } from '../__generated__/resolvers-types.js';
import { allowedActions } from '../lifecycle/order-status.js';

/** Order fields of its life after placement: what may be done next, what has been captured. */
export const OrderLifecycle: Pick<
  NonNullable<Resolvers['Order']>,
  'allowedActions' | 'capturedTotal'
> = {
  allowedActions: (order, _args, { viewer }) => allowedActions(viewer, order),
  capturedTotal: async (order, _args, { loaders }) => {
    const captures = await loaders.capturesByOrderId.load(order.id);
    const captured = captures.filter((capture) => capture.status === 'CAPTURED');
    return toMoney(
      captured.reduce((sum, capture) => sum + capture.amount, 0),
      order.currency,
    );
  },
};

export const CancelMutation: Pick<MutationResolvers, 'cancelOrder'> = {
  cancelOrder: (_parent, { input }, { viewer, cancellation, requestId }) =>
    cancellation.cancelOrder({ viewer, input, requestId }),
};

// stored as ids (see idempotency_keys) and resolved on every read
export const CancelOrderSuccess: Resolvers['CancelOrderSuccess'] = {
  order: async ({ orderId }, _args, { loaders }) => (await loaders.orderById.load(orderId))!,
};
