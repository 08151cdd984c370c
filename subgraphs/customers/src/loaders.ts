import DataLoader from 'dataloader';
import { groupLoader, rowLoader } from '@ordergraph/shared';
import type { CustomersRepository } from './customers.repository.js';
import type { NotificationRow } from './db/schema.js';
import type { NotificationCursor, NotificationsRepository } from './notifications.repository.js';

/** One customer's page of notifications, as Customer.notifications asks for it. */
export interface CustomerNotificationsKey {
  customerId: string;
  /** rows to fetch: the page size plus one, to tell whether another page follows */
  limit: number;
  after: NotificationCursor | null;
  unreadOnly: boolean;
}

const pageOf = ({ limit, after, unreadOnly }: CustomerNotificationsKey) =>
  JSON.stringify([limit, after?.seq ?? null, unreadOnly]);

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
    // the customers of one request usually share the page arguments: one statement per
    // distinct page, whatever the number of customers
    notificationsByCustomer: new DataLoader<CustomerNotificationsKey, NotificationRow[], string>(
      async (keys) => {
        const pages = new Map<string, CustomerNotificationsKey[]>();
        for (const key of keys) pages.set(pageOf(key), [...(pages.get(pageOf(key)) ?? []), key]);
        const found = new Map<string, NotificationRow[]>();
        await Promise.all(
          [...pages].map(async ([page, group]) => {
            const [{ limit, after, unreadOnly }] = group as [CustomerNotificationsKey];
            const rows = await notifications.listForCustomers({
              customerIds: group.map((key) => key.customerId),
              limit,
              after,
              unreadOnly,
            });
            for (const row of rows) {
              const id = `${row.customerId}|${page}`;
              found.set(id, [...(found.get(id) ?? []), row]);
            }
          }),
        );
        return keys.map((key) => found.get(`${key.customerId}|${pageOf(key)}`) ?? []);
      },
      { cacheKeyFn: (key) => `${key.customerId}|${pageOf(key)}` },
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
