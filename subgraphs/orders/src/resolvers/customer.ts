import {
  badUserInput,
  canActForCustomer,
  forbidden,
  isUuid,
  pageArgs,
  toConnection,
} from '@ordergraph/shared';
import type { Resolvers } from '../__generated__/resolvers-types.js';
import type { OrderCursor } from '../orders.repository.js';

// a cursor is client input: check its shape before it reaches SQL
const isCursor = (cursor: OrderCursor) =>
  typeof cursor?.placedAt === 'string' &&
  !Number.isNaN(new Date(cursor.placedAt).getTime()) &&
  typeof cursor.id === 'string' &&
  isUuid(cursor.id);

export const Customer: Resolvers['Customer'] = {
  __resolveReference: (reference) => reference,

  orders: async (customer, args, { viewer, loaders }) => {
    if (!canActForCustomer(viewer, customer.id)) {
      throw forbidden('You may only see your own orders.');
    }
    const { limit, after } = pageArgs<OrderCursor>(args);
    if (after && !isCursor(after)) throw badUserInput('"after" is not a valid cursor.', 'after');
    const rows = await loaders.ordersByCustomer.load({
      customerId: customer.id,
      limit: limit + 1,
      after,
      status: args.status ?? null,
    });
    for (const row of rows) loaders.orderById.prime(row.id, row);
    return toConnection(rows, {
      limit,
      cursorOf: (row) => ({ placedAt: row.placedAt.toISOString(), id: row.id }),
    });
  },
};
