import { toMoney, type Database } from '@ordergraph/shared/core';
import type { CustomersClient } from '../clients/customers.js';
import type { ExportRowSource } from '../export-jobs/row-source.js';
import type { OrderFilter, SearchCursor } from './order-search.js';
import { createOrderSearchRepository } from './order-search.repository.js';

/** The columns of an order export, in order. */
export const ORDER_EXPORT_COLUMNS = [
  'order_number',
  'placed_at',
  'status',
  'payment_status',
  'customer_id',
  'customer_email',
  'currency',
  'subtotal',
  'discounts',
  'shipping',
  'tax',
  'total',
  'lines_count',
] as const;

// an export walks the orders oldest first, whatever a search shows
const EXPORT_SORT = { field: 'PLACED_AT', direction: 'ASC' } as const;

/** A filter read back from a job's JSON, its dates revived. */
function reviveFilter(stored: OrderFilter): OrderFilter {
  const date = (value: Date | string | null) => (value === null ? null : new Date(value));
  return { ...stored, placedFrom: date(stored.placedFrom), placedTo: date(stored.placedTo) };
}

/**
 * The orders a filter matches, as export rows: oldest first in keyset pages, each page one
 * statement for the orders, one for their line counts and one call to the customers service
 * for their e-mails. Money is an exact decimal string in the order's currency.
 */
export function createOrderExportSource({
  db,
  customers,
}: {
  db: Database;
  customers: Pick<CustomersClient, 'emailsOf'>;
}): ExportRowSource<OrderFilter> {
  const search = createOrderSearchRepository({ db });
  return {
    kind: 'orders',
    columns: ORDER_EXPORT_COLUMNS,
    fileName: 'orders',
    countUpTo: (filter, cap) => search.countUpTo({ filter, cap }),
    async page({ params, cursor, limit }) {
      const orders = await search.page({
        filter: reviveFilter(params),
        sort: EXPORT_SORT,
        after: (cursor as SearchCursor | null) ?? null,
        limit,
      });
      const ids = orders.map((order) => order.id);
      const lines = await search.lineCounts(ids);
      const emails = await customers.emailsOf(orders.map((order) => order.customerId));
      const money = (minor: number, currency: string) => toMoney(minor, currency).amount;
      const rows = orders.map((order) => ({
        order_number: order.number,
        placed_at: order.placedAt.toISOString(),
        status: order.status,
        payment_status: order.paymentStatus,
        customer_id: order.customerId,
        customer_email: emails.get(order.customerId) ?? null,
        currency: order.currency,
        subtotal: money(order.subtotal, order.currency),
        discounts: money(order.discountTotal, order.currency),
        shipping: money(order.shippingTotal, order.currency),
        tax: money(order.taxTotal, order.currency),
        total: money(order.total, order.currency),
        lines_count: lines.get(order.id) ?? 0,
      }));
      const last = orders.at(-1);
      return {
        rows,
        cursor: last
          ? ({
              field: 'PLACED_AT',
              value: last.placedAt.toISOString(),
              id: last.id,
            } as SearchCursor)
          : cursor,
      };
    },
  };
}
