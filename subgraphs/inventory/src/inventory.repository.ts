import { and, asc, desc, eq, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { Database } from '@ordergraph/shared';
import type { WarehouseStock } from './allocation.js';
import {
  stockLevels,
  stockMovements,
  warehouses,
  type StockLevelRow,
  type StockMovementKind,
  type StockMovementRow,
  type WarehouseRow,
} from './db/schema.js';

/** A change of one SKU's stock in one warehouse. */
export interface StockChange {
  sku: string;
  warehouseId: string;
  quantity: number;
}

export interface NewMovement extends StockChange {
  kind: StockMovementKind;
  reference: string | null;
  actor: string | null;
}

/** keyset position in the newest-first movement list */
export interface MovementCursor {
  id: number;
}

/** The inventory's SQL for warehouses, stock levels and the movement ledger, over `db` or a transaction. */
export function createInventoryRepository({ db }: { db: Database }) {
  /** one UPDATE for all changes; `set` says how each row changes by `v.quantity` */
  const updateStock = async (changes: readonly StockChange[], set: SQL) => {
    if (changes.length === 0) return;
    const values = sql.join(
      changes.map(
        ({ sku, warehouseId, quantity }) =>
          sql`(${sku}::text, ${warehouseId}::text, ${quantity}::integer)`,
      ),
      sql`, `,
    );
    await db.execute(sql`
      update ${stockLevels} as s set ${set}, updated_at = now()
      from (values ${values}) as v(sku, warehouse_id, quantity)
      where s.sku = v.sku and s.warehouse_id = v.warehouse_id`);
  };

  return {
    async findWarehousesByIds(ids: readonly string[]): Promise<WarehouseRow[]> {
      if (ids.length === 0) return [];
      return db
        .select()
        .from(warehouses)
        .where(inArray(warehouses.id, [...ids]));
    },

    /** highest priority first */
    async listWarehouses(): Promise<WarehouseRow[]> {
      return db.select().from(warehouses).orderBy(asc(warehouses.priority), asc(warehouses.code));
    },

    /** the stock rows of these SKUs, each SKU's highest-priority warehouse first */
    async findStockBySkus(skus: readonly string[]): Promise<StockLevelRow[]> {
      if (skus.length === 0) return [];
      const rows = await db
        .select({ stock: stockLevels })
        .from(stockLevels)
        .innerJoin(warehouses, eq(warehouses.id, stockLevels.warehouseId))
        .where(inArray(stockLevels.sku, [...skus]))
        .orderBy(asc(stockLevels.sku), asc(warehouses.priority), asc(warehouses.code));
      return rows.map(({ stock }) => stock);
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

    /** adds received units to a stock level, creating it on first receipt */
    async receive({ sku, warehouseId, quantity }: StockChange): Promise<StockLevelRow> {
      const [row] = await db
        .insert(stockLevels)
        .values({ sku, warehouseId, onHand: quantity })
        .onConflictDoUpdate({
          target: [stockLevels.sku, stockLevels.warehouseId],
          set: { onHand: sql`${stockLevels.onHand} + ${quantity}`, updatedAt: sql`now()` },
        })
        .returning();
      return row!;
    },

    /**
     * Locks the stock rows of these SKUs until the transaction ends, always in (sku, warehouse)
     * order so that two transactions never wait for each other in a circle.
     */
    async lockStock(skus: readonly string[]): Promise<WarehouseStock[]> {
      if (skus.length === 0) return [];
      const rows = await db
        .select({
          sku: stockLevels.sku,
          warehouseId: stockLevels.warehouseId,
          warehouseCode: warehouses.code,
          priority: warehouses.priority,
          onHand: stockLevels.onHand,
          reserved: stockLevels.reserved,
        })
        .from(stockLevels)
        .innerJoin(warehouses, eq(warehouses.id, stockLevels.warehouseId))
        .where(inArray(stockLevels.sku, [...skus]))
        .orderBy(asc(stockLevels.sku), asc(stockLevels.warehouseId))
        .for('update', { of: stockLevels });
      return rows.map(({ onHand, reserved, ...row }) => ({ ...row, available: onHand - reserved }));
    },

    /** holds more units (positive quantities) or gives them back (negative ones) */
    addReserved: (changes: readonly StockChange[]) =>
      updateStock(changes, sql`reserved = s.reserved + v.quantity`),

    /** held units leave the warehouse */
    removeShipped: (changes: readonly StockChange[]) =>
      updateStock(
        changes,
        sql`on_hand = s.on_hand - v.quantity, reserved = s.reserved - v.quantity`,
      ),

    async insertMovements(movements: readonly NewMovement[]): Promise<void> {
      if (movements.length === 0) return;
      await db.insert(stockMovements).values([...movements]);
    },

    /** newest first; fetches `limit` rows after the cursor */
    async listMovements({
      sku,
      warehouseId,
      limit,
      after,
    }: {
      sku?: string | null;
      warehouseId?: string | null;
      limit: number;
      after: MovementCursor | null;
    }): Promise<StockMovementRow[]> {
      const conditions: (SQL | undefined)[] = [
        sku ? eq(stockMovements.sku, sku) : undefined,
        warehouseId ? eq(stockMovements.warehouseId, warehouseId) : undefined,
        after ? lt(stockMovements.id, after.id) : undefined,
      ];
      return db
        .select()
        .from(stockMovements)
        .where(and(...conditions))
        .orderBy(desc(stockMovements.id))
        .limit(limit);
    },
  };
}

export type InventoryRepository = ReturnType<typeof createInventoryRepository>;
