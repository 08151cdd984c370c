/** A SKU and how many units of it to hold. */
export interface AllocationLine {
  sku: string;
  quantity: number;
}

/** What one warehouse can still give of one SKU. */
export interface WarehouseStock {
  sku: string;
  warehouseId: string;
  warehouseCode: string;
  /** lower ships first */
  priority: number;
  available: number;
}

/** Units of one SKU to hold in one warehouse. */
export interface Allocation {
  sku: string;
  warehouseId: string;
  quantity: number;
}

export interface Shortage {
  sku: string;
  requested: number;
  available: number;
}

export type AllocationOutcome =
  { ok: true; allocations: Allocation[] } | { ok: false; shortage: Shortage };

/** Adds up lines of the same SKU, keeping the order in which SKUs first appear. */
export function mergeLines(lines: readonly AllocationLine[]): AllocationLine[] {
  const merged = new Map<string, number>();
  for (const { sku, quantity } of lines) merged.set(sku, (merged.get(sku) ?? 0) + quantity);
  return [...merged].map(([sku, quantity]) => ({ sku, quantity }));
}

/**
 * Decides where to hold the units of a reservation.
 * 1. If one warehouse can fill every line, the highest-priority such warehouse takes all of
 *    it, so the order ships in one parcel.
 * 2. Otherwise each line is filled greedily from the warehouses in priority order, split
 *    across warehouses where one is not enough.
 * Priority is ascending, ties broken by warehouse code. A line that all warehouses together
 * cannot fill is a shortage (the first such line, in line order), and nothing is allocated.
 */
export function allocate({
  lines,
  stock,
}: {
  lines: readonly AllocationLine[];
  stock: readonly WarehouseStock[];
}): AllocationOutcome {
  const wanted = mergeLines(lines);
  const ranked = rankWarehouses(stock);
  const availableAt = new Map(
    stock.map((row) => [`${row.sku}\u0000${row.warehouseId}`, Math.max(0, row.available)]),
  );
  const available = (sku: string, warehouseId: string) =>
    availableAt.get(`${sku}\u0000${warehouseId}`) ?? 0;

  for (const line of wanted) {
    const total = ranked.reduce((sum, warehouseId) => sum + available(line.sku, warehouseId), 0);
    if (total < line.quantity) {
      return { ok: false, shortage: { sku: line.sku, requested: line.quantity, available: total } };
    }
  }

  const single = ranked.find((warehouseId) =>
    wanted.every((line) => available(line.sku, warehouseId) >= line.quantity),
  );
  if (single !== undefined) {
    return {
      ok: true,
      allocations: wanted.map(({ sku, quantity }) => ({ sku, warehouseId: single, quantity })),
    };
  }

  const allocations: Allocation[] = [];
  for (const line of wanted) {
    let missing = line.quantity;
    for (const warehouseId of ranked) {
      if (missing === 0) break;
      const quantity = Math.min(missing, available(line.sku, warehouseId));
      if (quantity === 0) continue;
      allocations.push({ sku: line.sku, warehouseId, quantity });
      missing -= quantity;
    }
  }
  return { ok: true, allocations };
}

/** The warehouse ids of the stock rows, by ascending priority, then code. */
function rankWarehouses(stock: readonly WarehouseStock[]): string[] {
  const warehouses = new Map<string, { priority: number; code: string }>();
  for (const row of stock) {
    warehouses.set(row.warehouseId, { priority: row.priority, code: row.warehouseCode });
  }
  return [...warehouses]
    .sort(
      ([, a], [, b]) => a.priority - b.priority || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
    )
    .map(([warehouseId]) => warehouseId);
}
