import DataLoader from 'dataloader';
import { groupLoader, rowLoader } from '@ordergraph/shared';
import type { PurchaseOrdersRepository } from './purchase-orders.repository.js';
import { suggestReplenishment, type ReplenishmentSuggestionView } from './replenishment.js';
import type { ReplenishmentRepository } from './replenishment.repository.js';
import type { SuppliersRepository } from './suppliers.repository.js';

type Pair = { key: string; sku: string };

const pairKey = (first: string, sku: string) => `${first}\u0000${sku}`;

/**
 * A loader of pages of children for many parents at once: keys of one page size and cursor are
 * fetched in one statement (the repositories rank children per parent).
 */
function pageLoader<P, C>(
  fetch: (page: P, parentIds: readonly string[]) => Promise<C[]>,
  parentOf: (child: C) => string,
) {
  const keyOf = ({ parentId, page }: { parentId: string; page: P }) =>
    JSON.stringify([parentId, page]);
  return new DataLoader<{ parentId: string; page: P }, C[], string>(
    async (keys) => {
      const byPage = new Map<string, { page: P; parentIds: string[] }>();
      for (const { parentId, page } of keys) {
        const group = byPage.get(JSON.stringify(page)) ?? { page, parentIds: [] };
        group.parentIds.push(parentId);
        byPage.set(JSON.stringify(page), group);
      }
      const found = new Map<string, C[]>();
      for (const { page, parentIds } of byPage.values()) {
        for (const child of await fetch(page, parentIds)) {
          const key = keyOf({ parentId: parentOf(child), page });
          found.set(key, [...(found.get(key) ?? []), child]);
        }
      }
      return keys.map((key) => found.get(keyOf(key)) ?? []);
    },
    { cacheKeyFn: keyOf },
  );
}

/** The per-request DataLoaders of purchasing. */
export function createPurchasingLoaders({
  suppliers,
  purchaseOrders,
  replenishment,
}: {
  suppliers: SuppliersRepository;
  purchaseOrders: PurchaseOrdersRepository;
  replenishment: ReplenishmentRepository;
}) {
  return {
    supplierById: rowLoader(
      (ids: readonly string[]) => suppliers.findByIds(ids),
      (row) => row.id,
    ),
    /** by pairKey(supplierId, sku) */
    supplierItem: new DataLoader<
      Pair & { supplierId: string },
      Awaited<ReturnType<SuppliersRepository['findItems']>>[number] | null,
      string
    >(
      async (keys) => {
        const rows = await suppliers.findItems(keys);
        const byKey = new Map(rows.map((row) => [pairKey(row.supplierId, row.sku), row]));
        return keys.map(({ key }) => byKey.get(key) ?? null);
      },
      { cacheKeyFn: ({ key }) => key },
    ),
    supplierItems: pageLoader(
      (page: { limit: number; afterSku: string | null }, supplierIds) =>
        suppliers.listItems({ supplierIds, ...page }),
      (item) => item.supplierId,
    ),
    purchaseOrderById: rowLoader(
      (ids: readonly string[]) => purchaseOrders.findByIds(ids),
      (row) => row.id,
    ),
    purchaseOrderLines: groupLoader(
      (ids: readonly string[]) => purchaseOrders.findLinesByOrderIds(ids),
      (row) => row.purchaseOrderId,
    ),
    receiptById: rowLoader(
      (ids: readonly number[]) => purchaseOrders.findReceiptsByIds(ids),
      (row) => row.id,
    ),
    receiptLines: groupLoader(
      (ids: readonly number[]) => purchaseOrders.findReceiptLines(ids),
      (row) => row.receiptId,
    ),
    receipts: pageLoader(
      (page: { limit: number; afterId: number | null }, purchaseOrderIds) =>
        purchaseOrders.listReceipts({ purchaseOrderIds, ...page }),
      (receipt) => receipt.purchaseOrderId,
    ),
    /** by pairKey(warehouseId, sku); null when no active supplier sells the SKU */
    replenishment: new DataLoader<
      Pair & { warehouseId: string },
      ReplenishmentSuggestionView | null,
      string
    >(
      async (keys) => {
        const rows = await replenishment.findByTargets(keys);
        const byKey = new Map(rows.map((row) => [pairKey(row.warehouseId, row.sku), row]));
        return keys.map(({ key }) => {
          const inputs = byKey.get(key);
          return inputs ? suggestReplenishment(inputs) : null;
        });
      },
      { cacheKeyFn: ({ key }) => key },
    ),
  };
}

/** The key of a supplier item or a replenishment suggestion in its loader. */
export const supplierItemKey = (supplierId: string, sku: string) => ({
  key: pairKey(supplierId, sku),
  supplierId,
  sku,
});

export const replenishmentKey = (warehouseId: string, sku: string) => ({
  key: pairKey(warehouseId, sku),
  warehouseId,
  sku,
});

export type PurchasingLoaders = ReturnType<typeof createPurchasingLoaders>;
