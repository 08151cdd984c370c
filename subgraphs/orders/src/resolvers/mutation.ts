import {
  actorOf,
  customerIdOf,
  forbidden,
  invalidInput,
  isPrivileged,
  unauthenticated,
  type Viewer,
} from '@ordergraph/shared';
import type { MutationResolvers } from '../__generated__/resolvers-types.js';
import { validatePlaceOrder } from '../placing/place-order-inputs.js';

/** Whom an order is for: a customer orders for themself, staff name the customer. */
function orderingCustomer(viewer: Viewer, customerId: string | null | undefined) {
  if (viewer.roles.length === 0) throw unauthenticated('Sign in to place an order.');
  if (isPrivileged(viewer)) {
    return customerId
      ? { customerId }
      : invalidInput('customerId is required when staff place an order.', 'customerId');
  }
  const own = customerIdOf(viewer);
  if (!own) throw forbidden('Only customers and staff may place orders.');
  if (customerId != null && customerId !== own) {
    throw forbidden('You may only place orders for yourself.');
  }
  return { customerId: own };
}

export const Mutation: MutationResolvers = {
  placeOrder: async (_parent, { input }, { viewer, placement, requestId }) => {
    const customer = orderingCustomer(viewer, input.customerId);
    if ('__typename' in customer) return customer;
    const request = validatePlaceOrder(input, customer.customerId);
    if ('__typename' in request) return request;
    return placement.placeOrder({
      request,
      idempotencyKey: input.idempotencyKey,
      requestId,
      actor: actorOf(viewer),
    });
  },
};
