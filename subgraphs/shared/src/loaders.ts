import DataLoader from 'dataloader';

/**
 * A per-request loader of one row per key: the batch function fetches all keys at once and
 * the rows come back in key order, null where a key has no row.
 */
export function rowLoader<K extends string | number, R>(
  findByKeys: (keys: readonly K[]) => Promise<R[]>,
  keyOf: (row: R) => K,
): DataLoader<K, R | null> {
  return new DataLoader(async (keys) => {
    const rows = await findByKeys(keys);
    const byKey = new Map(rows.map((row) => [keyOf(row), row]));
    return keys.map((key) => byKey.get(key) ?? null);
  });
}

/** A per-request loader of the rows that belong to each key (one-to-many), in fetch order. */
export function groupLoader<K extends string | number, R>(
  findByKeys: (keys: readonly K[]) => Promise<R[]>,
  keyOf: (row: R) => K,
): DataLoader<K, R[]> {
  return new DataLoader(async (keys) => {
    const rows = await findByKeys(keys);
    const groups = new Map<K, R[]>(keys.map((key) => [key, []]));
    for (const row of rows) groups.get(keyOf(row))?.push(row);
    return keys.map((key) => groups.get(key) ?? []);
  });
}

export interface PagedGroupLoaderOptions<K, R> {
  /** the group a key asks for, such as a customer's id */
  groupOf: (key: K) => string;
  /** a key's page arguments (size, cursor, filters) as one string: keys with equal ones share a fetch */
  pageOf: (key: K) => string;
  /** that page of each group, for `page` and the other keys with its page arguments */
  findPage: (options: { groups: string[]; page: K }) => Promise<R[]>;
  /** the group a fetched row belongs to */
  rowGroupOf: (row: R) => string;
}

/**
 * A per-request loader of one page of a group per key (a customer's orders, first/after): the
 * keys of one request usually share the page arguments, so it sends one fetch per distinct page,
 * whatever the number of groups, and hands each key its group's rows in fetch order.
 */
export function pagedGroupLoader<K, R>({
  groupOf,
  pageOf,
  findPage,
  rowGroupOf,
}: PagedGroupLoaderOptions<K, R>): DataLoader<K, R[], string> {
  const idOf = (group: string, page: string) => JSON.stringify([group, page]);
  return new DataLoader<K, R[], string>(
    async (keys) => {
      const pages = new Map<string, K[]>();
      for (const key of keys) {
        const page = pageOf(key);
        const same = pages.get(page);
        if (same) same.push(key);
        else pages.set(page, [key]);
      }
      const found = new Map<string, R[]>();
      await Promise.all(
        [...pages].map(async ([page, [first, ...rest]]) => {
          if (first === undefined) return;
          const rows = await findPage({ groups: [first, ...rest].map(groupOf), page: first });
          for (const row of rows) {
            const id = idOf(rowGroupOf(row), page);
            const group = found.get(id);
            if (group) group.push(row);
            else found.set(id, [row]);
          }
        }),
      );
      return keys.map((key) => found.get(idOf(groupOf(key), pageOf(key))) ?? []);
    },
    { cacheKeyFn: (key) => idOf(groupOf(key), pageOf(key)) },
  );
}
