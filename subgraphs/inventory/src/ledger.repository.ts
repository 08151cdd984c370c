import { and, asc, desc, eq, gt, lt, sql, type SQL } from 'drizzle-orm';
import { executeRows, type Database, anyOf } from '@ordergraph/shared';
import {
  lowStockThresholds,
  stockLevels,
  stockMovements,
  type StockMovementKind,
  type StockMovementRow,
} from './db/schema.js';
import { compareLevels, rebuildStockLevels, type Level, type NewMovement } from './ledger.js';

/** A stock level after a batch of movements, with the net change they made and its threshold. */
export interface MovedLevel extends Level {
  onHandChange: number;
  reservedChange: number;
  /** the level's own low-stock threshold; null when the default applies */
  threshold: number | null;
}

/** keyset position in the newest-first movement list */
export interface MovementCursor {
  id: number;
}

/** Adds net changes to their stock levels (creating missing ones first) and returns them. */
async function applyLevelChanges(
  db: Database,
  changes: readonly Level[],
  { levelsLocked }: { levelsLocked: boolean },
): Promise<MovedLevel[]> {
  if (changes.length === 0) return [];
  if (changes.some(({ onHand }) => onHand > 0)) {
    await db
      .insert(stockLevels)
      .values(changes.map(({ sku, warehouseId }) => ({ sku, warehouseId })))
      .onConflictDoNothing();
  }
  const keys = sql.join(
    changes.map(({ sku, warehouseId }) => sql`(${sku}::text, ${warehouseId}::text)`),
    sql`, `,
  );
  if (!levelsLocked) {
    await executeRows(
      db,
      sql`select 1 from ${stockLevels} where (sku, warehouse_id) in (${keys})
        order by sku collate "C", warehouse_id collate "C" for update`,
    );
  }
  const values = sql.join(
    changes.map(
      ({ sku, warehouseId, onHand, reserved }) =>
        sql`(${sku}::text, ${warehouseId}::text, ${onHand}::integer, ${reserved}::integer)`,
    ),
    sql`, `,
  );
  const levels = await executeRows<MovedLevel & Record<string, unknown>>(
    db,
    sql`update ${stockLevels} as s
      set on_hand = s.on_hand + v.on_hand, reserved = s.reserved + v.reserved, updated_at = now()
      from (values ${values}) as v(sku, warehouse_id, on_hand, reserved)
      where s.sku = v.sku and s.warehouse_id = v.warehouse_id
      returning s.sku, s.warehouse_id as "warehouseId", s.on_hand as "onHand",
        s.reserved, v.on_hand as "onHandChange", v.reserved as "reservedChange",
        (select t.threshold from ${lowStockThresholds} t
          where t.sku = s.sku and t.warehouse_id = s.warehouse_id) as threshold`,
  );
  return [...levels].sort(compareLevels);
}

/** The stock ledger's SQL: the only way stock levels change, over `db` or a transaction. */
export function createLedgerRepository({ db }: { db: Database }) {
  return {
    /**
     * Records movements and applies their changes to the stock levels, creating a level on its
     * first stock. The levels are locked in (sku, warehouse) order first, so concurrent batches
     * never wait on each other in a circle. A change breaking a level's CHECK constraints (on
     * hand or reserved below zero, reserved above on hand) fails the transaction.
     */
    async applyMovements(
      movements: readonly NewMovement[],
      {
        levelsLocked = false,
      }: {
        /** the caller holds the levels' locks already (taken in the same order) */
        levelsLocked?: boolean;
      } = {},
    ): Promise<{ movementIds: number[]; levels: MovedLevel[] }> {
      if (movements.length === 0) return { movementIds: [], levels: [] };
      const changes = rebuildStockLevels(movements).filter(
        ({ onHand, reserved }) => onHand !== 0 || reserved !== 0,
      );
      const levels = await applyLevelChanges(db, changes, { levelsLocked });
      const inserted = await db
        .insert(stockMovements)
        .values(movements.map((movement) => ({ reason: null, note: null, ...movement })))
        .returning({ id: stockMovements.id });
      return {
        movementIds: inserted.map(({ id }) => Number(id)),
        levels,
      };
    },

    async findMovementsByIds(ids: readonly number[]): Promise<StockMovementRow[]> {
      if (ids.length === 0) return [];
      return db
        .select()
        .from(stockMovements)
        .where(anyOf(stockMovements.id, [...ids]));
    },

    /** the whole ledger, oldest first, `limit` movements after `afterId` */
    async readLedger({ afterId, limit }: { afterId: number; limit: number }) {
      return db
        .select()
        .from(stockMovements)
        .where(gt(stockMovements.id, afterId))
        .orderBy(asc(stockMovements.id))
        .limit(limit);
    },

    /** newest first; fetches `limit` rows after the cursor */
    async listMovements({
      sku,
      warehouseId,
      kind,
      limit,
      after,
    }: {
      sku?: string | null;
      warehouseId?: string | null;
      kind?: StockMovementKind | null;
      limit: number;
      after: MovementCursor | null;
    }): Promise<StockMovementRow[]> {
      const conditions: (SQL | undefined)[] = [
        sku ? eq(stockMovements.sku, sku) : undefined,
        warehouseId ? eq(stockMovements.warehouseId, warehouseId) : undefined,
        kind ? eq(stockMovements.kind, kind) : undefined,
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

export type LedgerRepository = ReturnType<typeof createLedgerRepository>;
