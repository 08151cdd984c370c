import { percentiles, type Percentiles } from '../../load/verify.js';
import type { ScanRecord } from './carrier-scans.js';
import type { FollowerReceipts } from './subscriber-protocol.js';

/** Every scan matched with the updates its order's subscribers received. */
export interface DeliveryFigures {
  /** successful scans times the subscribers of their order */
  expected: number;
  /** updates matched with a scan */
  received: number;
  lost: number;
  /** updates beyond the scans of their order, or showing a status no scan of theirs set */
  mismatched: number;
  /** from the scan's mutation being sent to the update being received */
  fromSend: Percentiles;
  /** from the scan's mutation response to the update */
  fromResponse: Percentiles;
  /**
   * from the timeline entry (its time in the orders service) to the update: the subscription's
   * own path, orders service → router → client, without the hop from the carrier to orders
   */
  fromTimeline: Percentiles;
  /** the scans' own mutation latency */
  mutation: Percentiles;
}

// an update shows the order as it stands when the router completes it: the status its scan
// set, or that of a later scan of the order already sent by the time the update arrived
function showsScanOrLater(scans: ScanRecord[], k: number, status: string, receivedAt: number) {
  if (scans[k]!.status === status) return true;
  return scans.slice(k + 1).some((later) => later.sentAt < receivedAt && later.status === status);
}

/**
 * Matches updates with scans by order and sequence: a follower's k-th update is the k-th
 * successful scan of its order (each scan adds exactly one timeline entry, and an order's
 * scans are sent one after the other, seconds apart), which the update's status confirms.
 */
export function matchDeliveries(
  scans: ScanRecord[],
  followers: FollowerReceipts[],
): DeliveryFigures {
  const byOrder = new Map<number, ScanRecord[]>();
  for (const scan of [...scans].sort((a, b) => a.sentAt - b.sentAt)) {
    if (!scan.ok) continue;
    const list = byOrder.get(scan.orderIndex) ?? [];
    list.push(scan);
    byOrder.set(scan.orderIndex, list);
  }
  const fromSend: number[] = [];
  const fromResponse: number[] = [];
  const fromTimeline: number[] = [];
  let expected = 0;
  let mismatched = 0;
  for (const follower of followers) {
    const orderScans = byOrder.get(follower.orderIndex) ?? [];
    expected += orderScans.length;
    mismatched += Math.max(0, follower.times.length - orderScans.length);
    const matched = Math.min(follower.times.length, orderScans.length);
    for (let k = 0; k < matched; k++) {
      const scan = orderScans[k]!;
      if (!showsScanOrLater(orderScans, k, follower.statuses[k]!, follower.times[k]!)) {
        mismatched++;
      }
      fromSend.push(follower.times[k]! - scan.sentAt);
      fromResponse.push(follower.times[k]! - scan.respondedAt);
      fromTimeline.push(follower.times[k]! - follower.occurredAt[k]!);
    }
  }
  return {
    expected,
    received: fromSend.length,
    lost: expected - fromSend.length,
    mismatched,
    fromSend: percentiles(fromSend),
    fromResponse: percentiles(fromResponse),
    fromTimeline: percentiles(fromTimeline),
    mutation: percentiles(scans.map((scan) => scan.respondedAt - scan.sentAt)),
  };
}
