import { sameJson } from '../../load/verify.js';
import { RECORD_SCAN, wallClockMs } from './operations.js';
import type { ShipmentState } from './shipment-states.js';
import type { TrackedOrder } from './tracked-orders.js';

/** The statuses scans cycle through: each one is a move the shipment's life cycle allows. */
export const SCAN_CYCLE = ['IN_TRANSIT', 'OUT_FOR_DELIVERY', 'FAILED_ATTEMPT'] as const;

const DESCRIPTIONS: Record<(typeof SCAN_CYCLE)[number], string> = {
  IN_TRANSIT: 'Departed a carrier facility',
  OUT_FOR_DELIVERY: 'Out for delivery',
  FAILED_ATTEMPT: 'Delivery attempted: nobody was home',
};

/** The status a scan moves a shipment in `current` to; null for a status outside the cycle. */
export function nextScanStatus(current: string): (typeof SCAN_CYCLE)[number] | null {
  const index = SCAN_CYCLE.indexOf(current as (typeof SCAN_CYCLE)[number]);
  return index < 0 ? null : SCAN_CYCLE[(index + 1) % SCAN_CYCLE.length]!;
}

/** One scan sent: which order, the status it set, and when it went out and came back. */
export interface ScanRecord {
  orderIndex: number;
  status: string;
  sentAt: number;
  respondedAt: number;
  ok: boolean;
}

/**
 * Sends `changesPerSecond` scans for `durationSeconds`, round robin over the orders, each as
 * the carrier through the router's public `recordTrackingEvent`. A shipment's scans go one
 * after the other with strictly increasing times, so each one moves it; the times are taken
 * on the wall clock the subscribers use. Returns every scan, and the first failure seen.
 */
export async function sendScans({
  url,
  carrierToken,
  orders,
  states,
  changesPerSecond,
  durationSeconds,
  keyPrefix,
}: {
  url: string;
  carrierToken: string;
  orders: TrackedOrder[];
  states: Map<string, ShipmentState>;
  changesPerSecond: number;
  durationSeconds: number;
  /** unique to this run: scans must never repeat an idempotency key */
  keyPrefix: string;
}): Promise<{ scans: ScanRecord[]; firstFailure: string | null }> {
  const status = orders.map((order) => states.get(order.shipmentId)!.status);
  const lastAt = orders.map(
    (order) => states.get(order.shipmentId)!.statusReportedAt?.getTime() ?? 0,
  );
  const previous = new Map<number, Promise<void>>();
  const scans: ScanRecord[] = [];
  let firstFailure: string | null = null;
  const total = Math.round(changesPerSecond * durationSeconds);
  const started = performance.now();

  const send = async (index: number, orderIndex: number) => {
    await previous.get(orderIndex);
    const order = orders[orderIndex]!;
    const next = nextScanStatus(status[orderIndex]!)!;
    // a scan at or before the one that set the status would be history, not a move
    const occurredAt = Math.max(Date.now(), lastAt[orderIndex]! + 1);
    lastAt[orderIndex] = occurredAt;
    const body = JSON.stringify({
      query: RECORD_SCAN,
      variables: {
        input: {
          carrierCode: order.carrierCode,
          trackingNumber: order.trackingNumber,
          status: next,
          description: DESCRIPTIONS[next],
          location: 'Louisville, KY, US',
          occurredAt: new Date(occurredAt).toISOString(),
          idempotencyKey: `${keyPrefix}-${index}`,
        },
      },
    });
    const expected = JSON.stringify({
      data: {
        recordTrackingEvent: { __typename: 'ShipmentSuccess', shipment: { status: next } },
      },
    });
    const sentAt = wallClockMs();
    let ok = false;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${carrierToken}` },
        body,
      });
      const text = await response.text();
      ok = response.status === 200 && sameJson(text, expected);
      if (!ok) firstFailure ??= `scan: HTTP ${response.status}: ${text.slice(0, 300)}`;
    } catch (error) {
      firstFailure ??= `scan: ${String(error)}`;
    }
    const respondedAt = wallClockMs();
    // a refused scan moved nothing: the next one starts from the same status
    if (ok) status[orderIndex] = next;
    scans.push({ orderIndex, status: next, sentAt, respondedAt, ok });
  };

  const pending: Promise<void>[] = [];
  for (let index = 0; index < total; index++) {
    // scan `index` is due at its place in the schedule, whatever the ones before cost
    const due = started + (index * 1000) / changesPerSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const orderIndex = index % orders.length;
    const scan = send(index, orderIndex);
    previous.set(orderIndex, scan);
    pending.push(scan);
  }
  await Promise.all(pending);
  return { scans, firstFailure };
}
