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
