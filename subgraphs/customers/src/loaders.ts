import DataLoader from 'dataloader';
import { groupLoader, pagedGroupLoader, rowLoader } from '@ordergraph/shared';
import type { CustomersRepository } from './customers.repository.js';
import type { NotificationCursor, NotificationsRepository } from './notifications.repository.js';

/** One customer's page of notifications, as Customer.notifications asks for it. */
export interface CustomerNotificationsKey {
  customerId: string;
  /** rows to fetch: the page size plus one, to tell whether another page follows */
  limit: number;
  after: NotificationCursor | null;
  unreadOnly: boolean;
}

/** The per-request DataLoaders of the customers service. */
export function createLoaders(
  repository: CustomersRepository,
  notifications: NotificationsRepository,
) {
  return {
    customerById: rowLoader(
      (ids: readonly string[]) => repository.findByIds(ids),
      (row) => row.id,
    ),
    addressesByCustomerId: groupLoader(
      (ids: readonly string[]) => repository.findAddressesByCustomerIds(ids),
      (row) => row.customerId,
    ),
    notificationById: rowLoader(
      (ids: readonly string[]) => notifications.findByIds(ids),
      (row) => row.id,
    ),
    unreadCountByCustomerId: new DataLoader<string, number>(async (ids) => {
      const counts = await notifications.countUnreadByCustomerIds(ids);
      const byId = new Map(counts.map((row) => [row.customerId, row.unread]));
      return ids.map((id) => byId.get(id) ?? 0);
    }),
    notificationsByCustomer: pagedGroupLoader({
      groupOf: (key: CustomerNotificationsKey) => key.customerId,
      pageOf: ({ limit, after, unreadOnly }) =>
        JSON.stringify([limit, after?.seq ?? null, unreadOnly]),
      findPage: ({ groups, page: { limit, after, unreadOnly } }) =>
        notifications.listForCustomers({ customerIds: groups, limit, after, unreadOnly }),
      rowGroupOf: (row) => row.customerId,
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
