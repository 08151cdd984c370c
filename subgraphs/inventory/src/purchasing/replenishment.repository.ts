import { sql, type SQL } from 'drizzle-orm';
import { executeRows, type Database } from '@ordergraph/shared';
import { lowStockThresholds, stockLevels, stockMovements } from '../db/schema.js';
import { DEFAULT_LOW_STOCK_THRESHOLD } from '../ledger.js';
import { SALES_WINDOW_DAYS, type ReplenishmentInputs } from './replenishment.js';
import { purchaseOrderLines, purchaseOrders, supplierItems, suppliers } from './tables.js';

type Target = { sku: string; warehouseId: string };
type Row = ReplenishmentInputs & Record<string, unknown>;

/**
 * One statement: for each (SKU, warehouse) target that an active supplier sells, the chosen
 * supplier item (shortest lead time, then lowest cost, then supplier id), the stock level, the
 * units on order, the window's sales and the safety stock. `dueOnly` keeps the targets at or
 * below their reorder point with something to order, by the formula of replenishment.ts.
 */
function inputsQuery({
  targets,
  dueOnly,
  limit,
}: {
  targets: SQL;
  dueOnly: boolean;
  limit?: number;
}) {
  return sql`
    with targets as (${targets}),
    chosen as (
      select distinct on (t.sku, t.warehouse_id)
        t.sku, t.warehouse_id, i.supplier_id, i.unit_cost_minor, i.minimum_order_quantity,
        i.pack_size, coalesce(i.lead_time_days, s.lead_time_days) as lead_time_days,
        s.currency_code
      from targets t
      join ${supplierItems} i on i.sku = t.sku
      join ${suppliers} s on s.id = i.supplier_id and s.active
      order by t.sku, t.warehouse_id, coalesce(i.lead_time_days, s.lead_time_days),
        i.unit_cost_minor, i.supplier_id
    ),
    figures as (
      select c.*,
        coalesce(l.on_hand, 0) as on_hand,
        coalesce(l.reserved, 0) as reserved,
        coalesce((
          select sum(greatest(pl.quantity - pl.received, 0))
          from ${purchaseOrderLines} pl
          join ${purchaseOrders} po on po.id = pl.purchase_order_id
          where pl.sku = c.sku and po.warehouse_id = c.warehouse_id
            and po.status in ('SUBMITTED', 'PARTIALLY_RECEIVED')
        ), 0)::integer as on_order,
        coalesce((
          select sum(m.quantity) from ${stockMovements} m
          where m.kind = 'SALE' and m.warehouse_id = c.warehouse_id and m.sku = c.sku
            and m.occurred_at > now() - make_interval(days => ${SALES_WINDOW_DAYS})
        ), 0)::integer as sales_in_window,
        coalesce(t.threshold, ${DEFAULT_LOW_STOCK_THRESHOLD}) as safety_stock
      from chosen c
      left join ${stockLevels} l on l.sku = c.sku and l.warehouse_id = c.warehouse_id
      left join ${lowStockThresholds} t on t.sku = c.sku and t.warehouse_id = c.warehouse_id
    ),
    pointed as (
      select f.*,
        ceil(f.sales_in_window * f.lead_time_days / ${SALES_WINDOW_DAYS}::numeric)::integer
          + f.safety_stock as reorder_point,
        f.on_hand - f.reserved + f.on_order as position
      from figures f
    )
    select sku, warehouse_id as "warehouseId", supplier_id as "supplierId",
      on_hand as "onHand", reserved, on_order as "onOrder", sales_in_window as "salesInWindow",
      lead_time_days as "leadTimeDays", safety_stock as "safetyStock",
      minimum_order_quantity as "minimumOrderQuantity", pack_size as "packSize",
      unit_cost_minor as "unitCostMinor", currency_code as "currencyCode"
    from pointed
    ${dueOnly ? sql`where position <= reorder_point and position < reorder_point + sales_in_window` : sql``}
    order by sku collate "C", warehouse_id collate "C"
    ${limit === undefined ? sql`` : sql`limit ${limit}`}`;
}

/** The figures replenishment is computed from, read from the ledger, stock and purchasing. */
export function createReplenishmentRepository({ db }: { db: Database }) {
  return {
    /** the due SKUs of a warehouse by SKU; fetches `limit` rows after `afterSku` */
    async listDue({
      warehouseId,
      afterSku,
      limit,
    }: {
      warehouseId: string;
      afterSku: string | null;
      limit: number;
    }): Promise<ReplenishmentInputs[]> {
      const targets = sql`select distinct i.sku, ${warehouseId}::text as warehouse_id
        from ${supplierItems} i join ${suppliers} s on s.id = i.supplier_id and s.active
        ${afterSku === null ? sql`` : sql`where i.sku collate "C" > ${afterSku}`}`;
      return executeRows<Row>(db, inputsQuery({ targets, dueOnly: true, limit }));
    },

    /** the figures of these SKUs in these warehouses, due or not; SKUs nobody sells are left out */
    async findByTargets(keys: readonly Target[]): Promise<ReplenishmentInputs[]> {
      if (keys.length === 0) return [];
      const pairs = sql.join(
        keys.map(({ sku, warehouseId }) => sql`(${sku}::text, ${warehouseId}::text)`),
        sql`, `,
      );
      const targets = sql`select * from (values ${pairs}) as v(sku, warehouse_id)`;
      return executeRows<Row>(db, inputsQuery({ targets, dueOnly: false }));
    },
  };
}

export type ReplenishmentRepository = ReturnType<typeof createReplenishmentRepository>;
