import postgres from 'postgres';
import type { Subgraph } from '../../data/seed.js';

/** A tracked shipment as the shipments database holds it before a run. */
export interface ShipmentState {
  status: string;
  /** when the carrier scan that set the status happened; null when the warehouse set it */
  statusReportedAt: Date | null;
}

// the orders service's cursor on the shipments feed (orders' SHIPMENTS_CONSUMER)
const ORDERS_CONSUMER = 'orders:shipments';

const open = (url: string) => postgres(url, { max: 1, onnotice: () => {} });

/**
 * Where each tracked shipment stands: earlier runs have moved it, and the next scan must be
 * one its status allows, at a later time than the scan that set it.
 */
export async function readShipmentStates(
  shipmentsUrl: string,
  shipmentIds: string[],
): Promise<Map<string, ShipmentState>> {
  const sql = open(shipmentsUrl);
  try {
    const rows = await sql<{ id: string; status: string; status_reported_at: Date | null }[]>`
      select id, status, status_reported_at from shipments where id in ${sql(shipmentIds)}`;
    return new Map(
      rows.map((row) => [row.id, { status: row.status, statusReportedAt: row.status_reported_at }]),
    );
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/**
 * Waits until the orders service has applied every event the shipments service has recorded,
 * so that each scan's timeline entry exists; resolves to false on timeout.
 */
export async function waitForOrdersConsumer({
  databaseUrls,
  timeoutMs = 30_000,
}: {
  databaseUrls: Record<Subgraph, string>;
  timeoutMs?: number;
}): Promise<boolean> {
  const shipments = open(databaseUrls.shipments);
  const orders = open(databaseUrls.orders);
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const [recorded] = await shipments<{ seq: number }[]>`
        select coalesce(max(seq), 0)::int as seq from event_log`;
      const [applied] = await orders<{ seq: number }[]>`
        select coalesce(max(position), 0)::int as seq from event_cursors
        where consumer = ${ORDERS_CONSUMER}`;
      if ((applied?.seq ?? 0) >= (recorded?.seq ?? 0)) return true;
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await Promise.all([shipments.end({ timeout: 5 }), orders.end({ timeout: 5 })]);
  }
}
