import DataLoader from 'dataloader';
import { groupLoader, rowLoader } from '@ordergraph/shared';
import type { OrderRow, OrderStatus } from './db/schema.js';
import type { OrderCursor, OrdersRepository } from './orders.repository.js';

/** One customer's page of orders, as Customer.orders asks for it. */
export interface CustomerOrdersKey {
  customerId: string;
  /** rows to fetch: the page size plus one, to tell whether another page follows */
  limit: number;
  after: OrderCursor | null;
  status: OrderStatus | null;
}

const pageOf = ({ limit, after, status }: CustomerOrdersKey) =>
  JSON.stringify([limit, after?.placedAt ?? null, after?.id ?? null, status]);

/** The per-request DataLoaders of the orders service. */
export function createLoaders(repository: OrdersRepository) {
  return {
    orderById: rowLoader(
      (ids: readonly string[]) => repository.findByIds(ids),
      (row) => row.id,
    ),
    linesByOrderId: groupLoader(
      (ids: readonly string[]) => repository.findLinesByOrderIds(ids),
      (row) => row.orderId,
    ),
    timelineByOrderId: groupLoader(
      (ids: readonly string[]) => repository.findEventsByOrderIds(ids),
      (row) => row.streamId,
    ),
    // the customers of one request usually share the page arguments: one statement per
    // distinct page, whatever the number of customers
    ordersByCustomer: new DataLoader<CustomerOrdersKey, OrderRow[], string>(
      async (keys) => {
        const pages = new Map<string, CustomerOrdersKey[]>();
        for (const key of keys) pages.set(pageOf(key), [...(pages.get(pageOf(key)) ?? []), key]);
        const found = new Map<string, OrderRow[]>();
        await Promise.all(
          [...pages].map(async ([page, group]) => {
            const [{ limit, after, status }] = group as [CustomerOrdersKey];
            const rows = await repository.listForCustomers({
              customerIds: group.map((key) => key.customerId),
              limit,
              after,
              status,
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
