import { Param, sql, type SQL } from 'drizzle-orm';
import { executeRows, type Database } from '@ordergraph/shared/core';
import type { LedgerDocument, LedgerDocumentKind } from './ledger.js';

/** Which documents a ledger export posts: issued or settled in [from, to). */
export interface LedgerRange {
  from: Date;
  to: Date;
  /** only invoices and credit notes of these series (no payments); all documents when null */
  series: readonly string[] | null;
}

/** Where a walk of the documents stands: at the document (at, kind, id), or after it. */
export interface LedgerDocumentKey {
  at: string;
  kind: LedgerDocumentKind;
  id: string;
}

type DocumentRow = {
  kind: LedgerDocumentKind;
  id: string;
  at: Date | string;
  number: string;
  order_number: string;
  currency: string;
  goods: string | number;
  shipping: string | number;
  tax: string | number;
  total: string | number;
};

/**
 * The documents of a range as one stream: invoices and credit notes by issue time, captures
 * and refunds by settlement time, each read through its own time index, in (time, kind, id)
 * order. Documents of no amount post nothing and are left out.
 */
function documents(range: LedgerRange): SQL {
  const { series } = range;
  // instants travel as ISO text: postgres.js binds no Date inside a raw statement
  const from = sql`${range.from.toISOString()}::timestamptz`;
  const to = sql`${range.to.toISOString()}::timestamptz`;
  const seriesCondition = (column: SQL) =>
    series ? sql` and ${column} = any(${new Param([...series])}::text[])` : sql``;
  const payments = series
    ? sql``
    : sql`
      union all
      select 'CAPTURE' as kind, p.shipment_id::text as id, p.settled_at as at,
        coalesce(p.provider_capture_id, p.shipment_id::text) as number, o.number as order_number,
        p.currency, 0::bigint as goods, 0::bigint as shipping, 0::bigint as tax, p.amount as total
      from payment_captures p join orders o on o.id = p.order_id
      where p.settled_at >= ${from} and p.settled_at < ${to} and p.status = 'CAPTURED'
        and p.amount <> 0
      union all
      select 'REFUND', r.id::text, r.settled_at, coalesce(r.provider_refund_id, r.id::text),
        o.number, r.currency, 0, 0, 0, r.amount
      from refunds r join orders o on o.id = r.order_id
      where r.settled_at >= ${from} and r.settled_at < ${to} and r.status = 'REFUNDED'
        and r.amount <> 0`;
  return sql`
    select 'INVOICE' as kind, i.id::text as id, i.issued_at as at, i.number, o.number as order_number,
      i.currency, i.subtotal - i.discount_total as goods, i.shipping_total as shipping,
      i.tax_total as tax, i.total
    from invoices i join orders o on o.id = i.order_id
    where i.issued_at >= ${from} and i.issued_at < ${to} and i.total <> 0
      ${seriesCondition(sql`i.series`)}
    union all
    select 'CREDIT_NOTE', c.id::text, c.issued_at, c.number, o.number, c.currency, c.net_total, 0,
      c.tax_total, c.total
    from credit_notes c join orders o on o.id = c.order_id
    where c.issued_at >= ${from} and c.issued_at < ${to} and c.total <> 0
      ${seriesCondition(sql`c.series`)}
    ${payments}`;
}

const toDocument = (row: DocumentRow): LedgerDocument => ({
  kind: row.kind,
  id: row.id,
  at: new Date(row.at),
  number: row.number,
  orderNumber: row.order_number,
  currency: row.currency,
  goods: Number(row.goods),
  shipping: Number(row.shipping),
  tax: Number(row.tax),
  total: Number(row.total),
});

/** The SQL of the ledger export: plain functions over `db`. */
export function createLedgerRepository({ db }: { db: Database }) {
  return {
    /** up to `limit` documents from `start` on (that one included), in ledger order */
    async page({
      range,
      start,
      limit,
    }: {
      range: LedgerRange;
      start: LedgerDocumentKey | null;
      limit: number;
    }): Promise<LedgerDocument[]> {
      const after = start
        ? sql`where (d.at, d.kind, d.id) >= (${start.at}::timestamptz, ${start.kind}, ${start.id})`
        : sql``;
      const rows = await executeRows<DocumentRow>(
        db,
        sql`select * from (${documents(range)}) d ${after}
            order by d.at, d.kind, d.id limit ${limit}`,
      );
      return rows.map(toDocument);
    },

    /**
     * How many journal entries the range posts, counting the entries of at most `cap + 1`
     * documents (each posts at least one): exact up to `cap`.
     */
    async countEntriesUpTo(range: LedgerRange, cap: number): Promise<number> {
      const [row] = await executeRows<{ entries: string | number | null }>(
        db,
        sql`select sum(
              case d.kind
                when 'INVOICE' then 1 + (d.goods <> 0)::int + (d.shipping <> 0)::int + (d.tax <> 0)::int
                when 'CREDIT_NOTE' then 1 + (d.goods <> 0)::int + (d.shipping <> 0)::int + (d.tax <> 0)::int
                else 2
              end) as entries
            from (select * from (${documents(range)}) d limit ${cap + 1}) d`,
      );
      return Number(row?.entries ?? 0);
    },
  };
}
