import type { Resolvers } from '../__generated__/resolvers-types.js';

// placeOrder's result is stored as ids (see order_requests) and resolved on every read
export const PlaceOrderSuccess: Resolvers['PlaceOrderSuccess'] = {
  order: async ({ orderId }, _args, { loaders }) => (await loaders.orderById.load(orderId))!,
};
