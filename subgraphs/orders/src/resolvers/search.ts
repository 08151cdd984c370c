import { badUserInput, forbidden, hasRole, pageArgs, toConnection } from '@ordergraph/shared';
import type { Resolvers } from '../__generated__/resolvers-types.js';
import {
  DEFAULT_SORT,
  EXACT_COUNT_LIMIT,
  parseOrderFilter,
  parseSearchCursor,
  searchCursorOf,
  type OrderSearchPage,
} from '../search/order-search.js';

/** Query.orders, merged into the Query resolvers: the staff search. */
export const SearchQuery: Pick<NonNullable<Resolvers['Query']>, 'orders'> = {
  orders: async (_parent, args, { viewer, search, loaders }) => {
    if (!hasRole(viewer, 'staff', 'admin')) throw forbidden('Only staff may search orders.');
    const filter = parseOrderFilter(args.filter);
    if ('__typename' in filter) throw badUserInput(filter.message, filter.field ?? undefined);
    const sort = {
      field: args.sort?.field ?? DEFAULT_SORT.field,
      direction: args.sort?.direction ?? DEFAULT_SORT.direction,
    };
    const { limit } = pageArgs({ first: args.first });
    const after = args.after ? parseSearchCursor(args.after, sort) : null;
    if (args.after && !after) {
      throw badUserInput('"after" is not a cursor of this search and sort.', 'after');
    }
    const rows = await search.page({ filter, sort, after, limit: limit + 1 });
    for (const row of rows) loaders.orderById.prime(row.id, row);
    let counted: Promise<number> | null = null;
    return {
      ...toConnection(rows, { limit, cursorOf: (row) => searchCursorOf(row, sort) }),
      // both count fields share one statement, run only when one is asked for
      count: () => (counted ??= search.countUpTo({ filter, cap: EXACT_COUNT_LIMIT })),
    } satisfies OrderSearchPage;
  },
};

export const OrderSearchConnection: Resolvers['OrderSearchConnection'] = {
  totalCount: async (page) => Math.min(await page.count(), EXACT_COUNT_LIMIT),
  totalCountIsExact: async (page) => (await page.count()) <= EXACT_COUNT_LIMIT,
};
