import { and, asc, eq, gt, or, Param, sql, type SQL } from 'drizzle-orm';
import { anyOf, executeRows, type Database } from '@ordergraph/shared';
import {
  purchaseOrders,
  supplierItems,
  suppliers,
  type SupplierItemRow,
  type SupplierRow,
} from './tables.js';
import type { NewSupplier, SupplierChanges, SupplierItemTerms } from './suppliers.js';

/** A supplier item with its supplier's currency and the lead time that applies to it. */
export type SupplierItemView = Omit<SupplierItemRow, 'leadTimeDays'> & {
  currencyCode: string;
  leadTimeDays: number;
  /** the item's own lead time; null when the supplier's default applies */
  ownLeadTimeDays: number | null;
};

/** keyset position in the by-name supplier list */
export interface SupplierCursor {
  name: string;
  id: string;
}

const itemView = {
  supplierId: supplierItems.supplierId,
  sku: supplierItems.sku,
  supplierSku: supplierItems.supplierSku,
  unitCostMinor: supplierItems.unitCostMinor,
  minimumOrderQuantity: supplierItems.minimumOrderQuantity,
  packSize: supplierItems.packSize,
  updatedAt: supplierItems.updatedAt,
  currencyCode: suppliers.currencyCode,
  leadTimeDays: sql<number>`coalesce(${supplierItems.leadTimeDays}, ${suppliers.leadTimeDays})`,
  ownLeadTimeDays: supplierItems.leadTimeDays,
};

/** Suppliers and what they sell, over `db` or a transaction. */
export function createSuppliersRepository({ db }: { db: Database }) {
  return {
    async insert(supplier: NewSupplier): Promise<SupplierRow> {
      const [row] = await db.insert(suppliers).values(supplier).returning();
      return row!;
    },

    /** the supplier, locked until the transaction ends; null when there is none */
    async lock(id: string): Promise<SupplierRow | null> {
      const [row] = await db.select().from(suppliers).where(eq(suppliers.id, id)).for('update');
      return row ?? null;
    },

    async update(id: string, changes: SupplierChanges): Promise<void> {
      await db
        .update(suppliers)
        .set({ ...changes, updatedAt: sql`now()` })
        .where(eq(suppliers.id, id));
    },

    async findByIds(ids: readonly string[]): Promise<SupplierRow[]> {
      if (ids.length === 0) return [];
      return db
        .select()
        .from(suppliers)
        .where(anyOf(suppliers.id, [...ids]));
    },

    /** true when the supplier sells something or was ever ordered from */
    async isInUse(id: string): Promise<boolean> {
      const rows = await executeRows(
        db,
        sql`select 1 from ${supplierItems} where ${supplierItems.supplierId} = ${id}
          union all select 1 from ${purchaseOrders} where ${purchaseOrders.supplierId} = ${id}
          limit 1`,
      );
      return rows.length > 0;
    },

    /** by name; fetches `limit` rows after the cursor */
    async list({
      activeOnly,
      limit,
      after,
    }: {
      activeOnly: boolean;
      limit: number;
      after: SupplierCursor | null;
    }): Promise<SupplierRow[]> {
      const conditions: (SQL | undefined)[] = [
        activeOnly ? eq(suppliers.active, true) : undefined,
        after
          ? or(
              gt(suppliers.name, after.name),
              and(eq(suppliers.name, after.name), gt(suppliers.id, after.id)),
            )
          : undefined,
      ];
      return db
        .select()
        .from(suppliers)
        .where(and(...conditions))
        .orderBy(asc(suppliers.name), asc(suppliers.id))
        .limit(limit);
    },

    async saveItem(terms: SupplierItemTerms): Promise<void> {
      const { currencyCode: _checkedAgainstSupplier, ...values } = terms;
      await db
        .insert(supplierItems)
        .values(values)
        .onConflictDoUpdate({
          target: [supplierItems.supplierId, supplierItems.sku],
          set: {
            supplierSku: values.supplierSku,
            unitCostMinor: values.unitCostMinor,
            minimumOrderQuantity: values.minimumOrderQuantity,
            packSize: values.packSize,
            leadTimeDays: values.leadTimeDays,
            updatedAt: sql`now()`,
          },
        });
    },

    /** the items of these (supplier, SKU) pairs */
    async findItems(
      keys: readonly { supplierId: string; sku: string }[],
    ): Promise<SupplierItemView[]> {
      if (keys.length === 0) return [];
      const pairs = sql.join(
        keys.map(({ supplierId, sku }) => sql`(${supplierId}::uuid, ${sku}::text)`),
        sql`, `,
      );
      return db
        .select(itemView)
        .from(supplierItems)
        .innerJoin(suppliers, eq(suppliers.id, supplierItems.supplierId))
        .where(sql`(${supplierItems.supplierId}, ${supplierItems.sku}) in (${pairs})`);
    },

    /**
     * The items of these suppliers by SKU: for each, `limit` items after `afterSku` (one
     * statement for a page of suppliers).
     */
    async listItems({
      supplierIds,
      limit,
      afterSku,
    }: {
      supplierIds: readonly string[];
      limit: number;
      afterSku: string | null;
    }): Promise<SupplierItemView[]> {
      if (supplierIds.length === 0) return [];
      return executeRows<SupplierItemView & Record<string, unknown>>(
        db,
        sql`select "supplierId", sku, "supplierSku", "unitCostMinor", "minimumOrderQuantity",
            "packSize", "updatedAt", "currencyCode", "leadTimeDays", "ownLeadTimeDays"
          from (
            select i.supplier_id as "supplierId", i.sku, i.supplier_sku as "supplierSku",
              i.unit_cost_minor as "unitCostMinor",
              i.minimum_order_quantity as "minimumOrderQuantity", i.pack_size as "packSize",
              i.updated_at as "updatedAt", s.currency_code as "currencyCode",
              coalesce(i.lead_time_days, s.lead_time_days) as "leadTimeDays",
              i.lead_time_days as "ownLeadTimeDays",
              row_number() over (partition by i.supplier_id order by i.sku collate "C") as n
            from ${supplierItems} i join ${suppliers} s on s.id = i.supplier_id
            where i.supplier_id = any(${new Param([...supplierIds])}::uuid[])
              ${afterSku === null ? sql`` : sql`and i.sku collate "C" > ${afterSku}`}
          ) ranked
          where n <= ${limit}
          order by "supplierId", sku collate "C"`,
      );
    },
  };
}

export type SuppliersRepository = ReturnType<typeof createSuppliersRepository>;
