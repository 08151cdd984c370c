import { groupLoader, pagedGroupLoader, rowLoader } from '@ordergraph/shared';
import type { OrderStatus } from './db/schema.js';
import type { OrderCursor, OrdersRepository } from './orders.repository.js';

/** One customer's page of orders, as Customer.orders asks for it. */
export interface CustomerOrdersKey {
  customerId: string;
  /** rows to fetch: the page size plus one, to tell whether another page follows */
  limit: number;
  after: OrderCursor | null;
  status: OrderStatus | null;
}

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
    ordersByCustomer: pagedGroupLoader({
      groupOf: (key: CustomerOrdersKey) => key.customerId,
      pageOf: ({ limit, after, status }) =>
        JSON.stringify([limit, after?.placedAt ?? null, after?.id ?? null, status]),
      findPage: ({ groups, page: { limit, after, status } }) =>
        repository.listForCustomers({ customerIds: groups, limit, after, status }),
      rowGroupOf: (row) => row.customerId,
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
