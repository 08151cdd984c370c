import {
  badUserInput,
  canActForCustomer,
  forbidden,
  pageArgs,
  toConnection,
} from '@ordergraph/shared';
import type { CustomerResolvers } from '../__generated__/resolvers-types.js';
import type { NotificationCursor } from '../notifications.repository.js';

// a cursor is client input: check its shape before it reaches SQL
const isCursor = (cursor: NotificationCursor) =>
  Number.isSafeInteger(cursor?.seq) && cursor.seq > 0;

export const Customer: CustomerResolvers = {
  // other services reach customers only through orders the viewer may see; this check is the
  // last line: a reference to someone else's record resolves to nothing
  __resolveReference: async ({ id }, { viewer, loaders }) =>
    canActForCustomer(viewer, id) ? loaders.customerById.load(id) : null,

  addresses: (customer, _args, { loaders }) => loaders.addressesByCustomerId.load(customer.id),

  notifications: async (customer, args, { viewer, loaders }) => {
    if (!canActForCustomer(viewer, customer.id)) {
      throw forbidden('You may only see your own notifications.');
    }
    const { limit, after } = pageArgs<NotificationCursor>(args);
    if (after && !isCursor(after)) throw badUserInput('"after" is not a valid cursor.', 'after');
    const rows = await loaders.notificationsByCustomer.load({
      customerId: customer.id,
      limit: limit + 1,
      after,
      unreadOnly: args.unreadOnly ?? false,
    });
    for (const row of rows) loaders.notificationById.prime(row.id, row);
    return toConnection(rows, { limit, cursorOf: (row) => ({ seq: row.seq }) });
  },

  unreadNotificationCount: (customer, _args, { viewer, loaders }) => {
    if (!canActForCustomer(viewer, customer.id)) {
      throw forbidden('You may only see your own notifications.');
    }
    return loaders.unreadCountByCustomerId.load(customer.id);
  },
};
