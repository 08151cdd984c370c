/** Every status a shipment can be in, in life-cycle order. */
export const SHIPMENT_STATUSES = [
  'PENDING',
  'PICKING',
  'PACKED',
  'SHIPPED',
  'IN_TRANSIT',
  'OUT_FOR_DELIVERY',
  'DELIVERED',
  'FAILED_ATTEMPT',
  'EXCEPTION',
  'RETURNED_TO_SENDER',
  'CANCELLED',
] as const;

export type ShipmentStatus = (typeof SHIPMENT_STATUSES)[number];

/** The statuses a carrier reports: from the hand-over on. */
export const CARRIER_STATUSES = [
  'SHIPPED',
  'IN_TRANSIT',
  'OUT_FOR_DELIVERY',
  'DELIVERED',
  'FAILED_ATTEMPT',
  'EXCEPTION',
  'RETURNED_TO_SENDER',
] as const satisfies readonly ShipmentStatus[];

export type CarrierStatus = (typeof CARRIER_STATUSES)[number];

/** True for a status a carrier may report. */
export const isCarrierStatus = (status: ShipmentStatus): status is CarrierStatus =>
  (CARRIER_STATUSES as readonly ShipmentStatus[]).includes(status);

// the one table of the life cycle: a status may move only to the statuses listed for it;
// an empty list marks a final status
const TRANSITIONS: Readonly<Record<ShipmentStatus, readonly ShipmentStatus[]>> = {
  PENDING: ['PICKING', 'CANCELLED'],
  PICKING: ['PACKED', 'CANCELLED'],
  PACKED: ['SHIPPED', 'CANCELLED'],
  SHIPPED: ['IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED', 'EXCEPTION'],
  IN_TRANSIT: [
    'OUT_FOR_DELIVERY',
    'DELIVERED',
    'FAILED_ATTEMPT',
    'EXCEPTION',
    'RETURNED_TO_SENDER',
  ],
  OUT_FOR_DELIVERY: ['DELIVERED', 'FAILED_ATTEMPT', 'EXCEPTION'],
  // a parcel the customer collects after a missed delivery is delivered without a new round
  FAILED_ATTEMPT: [
    'OUT_FOR_DELIVERY',
    'IN_TRANSIT',
    'DELIVERED',
    'RETURNED_TO_SENDER',
    'EXCEPTION',
  ],
  EXCEPTION: ['IN_TRANSIT', 'OUT_FOR_DELIVERY', 'RETURNED_TO_SENDER', 'DELIVERED'],
  DELIVERED: [],
  RETURNED_TO_SENDER: [],
  CANCELLED: [],
};

/** True for one of the ShipmentStatus names. */
export const isShipmentStatus = (value: string): value is ShipmentStatus =>
  Object.hasOwn(TRANSITIONS, value);

/** True when a shipment in `from` may move to `to`. */
export const canTransition = (from: ShipmentStatus, to: ShipmentStatus): boolean =>
  TRANSITIONS[from].includes(to);

/** The statuses a shipment in `from` may move to, in table order; empty when final. */
export const nextStatuses = (from: ShipmentStatus): readonly ShipmentStatus[] => TRANSITIONS[from];

/**
 * True when a shipment now in `current` has already been in `earlier` or could have been on its
 * way here: `current` is reachable from `earlier` (or is it). A late report of such a status is
 * history, not news.
 */
export function hasPassed(current: ShipmentStatus, earlier: ShipmentStatus): boolean {
  const seen = new Set<ShipmentStatus>([earlier]);
  const queue: ShipmentStatus[] = [earlier];
  for (let status = queue.shift(); status !== undefined; status = queue.shift()) {
    if (status === current) return true;
    for (const next of TRANSITIONS[status]) {
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(next);
    }
  }
  return false;
}

/** True when nothing follows: delivered, returned to sender or cancelled. */
export const isFinalStatus = (status: ShipmentStatus): boolean => TRANSITIONS[status].length === 0;

export type InvalidTransition = {
  __typename: 'InvalidTransitionError';
  message: string;
  from: ShipmentStatus;
  to: ShipmentStatus;
};

/** Null when the move is allowed, otherwise the error a mutation returns as data. */
export function checkTransition(
  from: ShipmentStatus,
  to: ShipmentStatus,
): InvalidTransition | null {
  if (canTransition(from, to)) return null;
  const allowed = nextStatuses(from);
  const hint =
    allowed.length === 0 ? `${from} is final` : `from ${from} it may go to ${allowed.join(', ')}`;
  return {
    __typename: 'InvalidTransitionError',
    message: `A shipment cannot go from ${from} to ${to}: ${hint}.`,
    from,
    to,
  };
}
