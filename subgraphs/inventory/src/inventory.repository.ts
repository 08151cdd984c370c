import { and, asc, eq, sql } from 'drizzle-orm';
import type { Database } from '@ordergraph/shared';
import type { WarehouseStock } from './allocation.js';
import {
  lowStockThresholds,
  returnRestocks,
  stockLevels,
  warehouses,
  type LowStockThresholdRow,
  type StockLevelRow,
  type WarehouseRow,
} from './db/schema.js';
import { anyOf } from '@ordergraph/shared';

/** A locked stock level, as allocation sees it, with its counts and its warehouse's state. */
export type LockedStock = WarehouseStock & { onHand: number; reserved: number; active: boolean };

/**
 * A stock level with its own low-stock threshold (null: the default applies) and whether its
 * warehouse is active (an inactive one's units cannot be sold).
 */
export type StockLevelView = StockLevelRow & {
  lowStockThreshold: number | null;
  warehouseActive: boolean;
};

/**
 * The inventory's SQL for warehouses, stock levels, low-stock thresholds and restocked returns,
 * over `db` or a transaction. Stock levels change only through the ledger repository.
 */
export function createInventoryRepository({ db }: { db: Database }) {
  return {
    async findWarehousesByIds(ids: readonly string[]): Promise<WarehouseRow[]> {
      if (ids.length === 0) return [];
      return db
        .select()
        .from(warehouses)
        .where(anyOf(warehouses.id, [...ids]));
    },

    /** highest priority first; only active or inactive ones when `active` is given */
    async listWarehouses({ active }: { active?: boolean | null } = {}): Promise<WarehouseRow[]> {
      return db
        .select()
        .from(warehouses)
        .where(active == null ? undefined : eq(warehouses.active, active))
        .orderBy(asc(warehouses.priority), asc(warehouses.code));
    },

    /** the stock rows of these SKUs, each SKU's highest-priority warehouse first */
    async findStockBySkus(skus: readonly string[]): Promise<StockLevelView[]> {
      if (skus.length === 0) return [];
      const rows = await db
        .select({
          stock: stockLevels,
          threshold: lowStockThresholds.threshold,
          active: warehouses.active,
        })
        .from(stockLevels)
        .innerJoin(warehouses, eq(warehouses.id, stockLevels.warehouseId))
        .leftJoin(
          lowStockThresholds,
          and(
            eq(lowStockThresholds.sku, stockLevels.sku),
            eq(lowStockThresholds.warehouseId, stockLevels.warehouseId),
          ),
        )
        .where(anyOf(stockLevels.sku, [...skus]))
        .orderBy(asc(stockLevels.sku), asc(warehouses.priority), asc(warehouses.code));
      return rows.map(({ stock, threshold, active }) => ({
        ...stock,
        lowStockThreshold: threshold,
        warehouseActive: active,
      }));
    },

    /** true when the SKU has ever been stocked here (so the catalog knew it) */
    async isStocked(sku: string): Promise<boolean> {
      const rows = await db
        .select({ sku: stockLevels.sku })
        .from(stockLevels)
        .where(eq(stockLevels.sku, sku))
        .limit(1);
      return rows.length > 0;
    },

    /**
     * Locks the stock rows of these SKUs until the transaction ends, always in (sku, warehouse)
     * byte order, as the ledger does, so that two transactions never wait for each other in a
     * circle.
     */
    async lockStock(skus: readonly string[]): Promise<LockedStock[]> {
      if (skus.length === 0) return [];
      const rows = await db
        .select({
          sku: stockLevels.sku,
          warehouseId: stockLevels.warehouseId,
          warehouseCode: warehouses.code,
          priority: warehouses.priority,
          active: warehouses.active,
          onHand: stockLevels.onHand,
          reserved: stockLevels.reserved,
        })
        .from(stockLevels)
        .innerJoin(warehouses, eq(warehouses.id, stockLevels.warehouseId))
        .where(anyOf(stockLevels.sku, [...skus]))
        .orderBy(sql`${stockLevels.sku} collate "C"`, sql`${stockLevels.warehouseId} collate "C"`)
        .for('update', { of: stockLevels });
      return rows.map((row) => ({ ...row, available: row.onHand - row.reserved }));
    },

    /** the SKU's own low-stock threshold in a warehouse; null when the default applies */
    async findThreshold({
      sku,
      warehouseId,
    }: {
      sku: string;
      warehouseId: string;
    }): Promise<LowStockThresholdRow | null> {
      const [row] = await db
        .select()
        .from(lowStockThresholds)
        .where(
          and(eq(lowStockThresholds.sku, sku), eq(lowStockThresholds.warehouseId, warehouseId)),
        );
      return row ?? null;
    },

    async saveThreshold({
      sku,
      warehouseId,
      threshold,
      updatedBy,
    }: {
      sku: string;
      warehouseId: string;
      threshold: number;
      updatedBy: string | null;
    }): Promise<void> {
      await db
        .insert(lowStockThresholds)
        .values({ sku, warehouseId, threshold, updatedBy })
        .onConflictDoUpdate({
          target: [lowStockThresholds.sku, lowStockThresholds.warehouseId],
          set: { threshold, updatedBy, updatedAt: sql`now()` },
        });
    },

    /**
     * Records that a return was restocked into a warehouse; false when it already was (a
     * concurrent twin waits here until the first commits). Returns the first request's hash.
     */
    async claimReturnRestock({
      returnId,
      warehouseId,
      requestHash,
    }: {
      returnId: string;
      warehouseId: string;
      requestHash: string;
    }): Promise<{ claimed: boolean; requestHash: string }> {
      const inserted = await db
        .insert(returnRestocks)
        .values({ returnId, warehouseId, requestHash })
        .onConflictDoNothing()
        .returning({ requestHash: returnRestocks.requestHash });
      if (inserted.length > 0) return { claimed: true, requestHash };
      const [existing] = await db
        .select({ requestHash: returnRestocks.requestHash })
        .from(returnRestocks)
        .where(
          and(eq(returnRestocks.returnId, returnId), eq(returnRestocks.warehouseId, warehouseId)),
        );
      return { claimed: false, requestHash: existing!.requestHash };
    },
  };
}

export type InventoryRepository = ReturnType<typeof createInventoryRepository>;
