import { eq, sql } from 'drizzle-orm';
import type { Database } from '@ordergraph/shared';
import { warehouses, type WarehouseRow } from './db/schema.js';
import type { NewWarehouse, WarehouseChanges } from './warehouses.js';

/** The inventory's SQL for creating and changing warehouses, over `db` or a transaction. */
export function createWarehousesRepository({ db }: { db: Database }) {
  return {
    /** inserts the warehouse; null when its code (or the id made from it) is taken */
    async insert(warehouse: NewWarehouse): Promise<WarehouseRow | null> {
      const [row] = await db.insert(warehouses).values(warehouse).onConflictDoNothing().returning();
      return row ?? null;
    },

    /** the warehouse, locked until the transaction ends; null when there is none */
    async lock(id: string): Promise<WarehouseRow | null> {
      const [row] = await db.select().from(warehouses).where(eq(warehouses.id, id)).for('update');
      return row ?? null;
    },

    /**
     * the warehouse with a share lock until the transaction ends: receipts hold it together,
     * and a change made under `lock` (a deactivation) waits for them, or they for it
     */
    async lockShared(id: string): Promise<WarehouseRow | null> {
      const [row] = await db.select().from(warehouses).where(eq(warehouses.id, id)).for('share');
      return row ?? null;
    },

    async update(id: string, changes: WarehouseChanges): Promise<WarehouseRow> {
      const [row] = await db
        .update(warehouses)
        .set({ ...changes, updatedAt: sql`now()` })
        .where(eq(warehouses.id, id))
        .returning();
      return row!;
    },
  };
}
