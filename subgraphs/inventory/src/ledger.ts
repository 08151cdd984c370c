import type { Actor, ActorKind } from '@ordergraph/shared';
import type { AdjustmentReason, StockMovementKind } from './db/schema.js';

/** The available quantity at or below which a stock level counts as low, unless set otherwise. */
export const DEFAULT_LOW_STOCK_THRESHOLD = 5;

/** A movement to record: what happened to one SKU in one warehouse, and why. */
export interface NewMovement {
  sku: string;
  warehouseId: string;
  kind: StockMovementKind;
  /** units moved, always positive */
  quantity: number;
  onHandChange: number;
  reservedChange: number;
  /** what caused it: a reservation, a return, an idempotency key */
  reference: string | null;
  /** who: the actor's id (a user, a carrier code, a partner client, a service), kind and name */
  actor: string | null;
  actorKind: ActorKind;
  actorName: string | null;
  reason?: AdjustmentReason | null;
  note?: string | null;
}

/** The stock of one SKU in one warehouse. */
export interface Level {
  sku: string;
  warehouseId: string;
  onHand: number;
  reserved: number;
}

type Cause = {
  sku: string;
  warehouseId: string;
  quantity: number;
  reference: string | null;
  actor: Actor;
};

// the actor goes into the movement's own row: no statement more per movement
const actorColumns = ({ kind, id, name }: Actor) => ({
  actor: id,
  actorKind: kind,
  actorName: name,
});

// the one place that says how each kind moves on hand and reserved, per unit
const MOVEMENT_RULES: Record<
  Exclude<StockMovementKind, 'ADJUSTMENT'>,
  { onHand: -1 | 0 | 1; reserved: -1 | 0 | 1 }
> = {
  RECEIPT: { onHand: 1, reserved: 0 },
  PURCHASE_RECEIPT: { onHand: 1, reserved: 0 },
  RESERVATION: { onHand: 0, reserved: 1 },
  RELEASE: { onHand: 0, reserved: -1 },
  SALE: { onHand: -1, reserved: -1 },
  RETURN: { onHand: 1, reserved: 0 },
  WRITE_OFF: { onHand: -1, reserved: 0 },
};

/** A movement of `kind` for `quantity` units (positive), with its signed changes. */
export function movement(
  kind: Exclude<StockMovementKind, 'ADJUSTMENT'>,
  { quantity, actor, ...cause }: Cause,
  extra: { reason?: AdjustmentReason; note?: string | null } = {},
): NewMovement {
  const rule = MOVEMENT_RULES[kind];
  return {
    ...cause,
    ...actorColumns(actor),
    kind,
    quantity,
    onHandChange: rule.onHand * quantity,
    reservedChange: rule.reserved * quantity,
    ...extra,
  };
}

/**
 * A hand correction of the count by `delta` units (either sign). Damaged or lost units leave
 * the books as a WRITE_OFF; every other correction is an ADJUSTMENT carrying its reason.
 */
export function adjustment({
  delta,
  reason,
  note,
  ...cause
}: Omit<Cause, 'quantity'> & {
  delta: number;
  reason: AdjustmentReason;
  note: string | null;
}): NewMovement {
  const quantity = Math.abs(delta);
  if (delta < 0 && (reason === 'DAMAGED' || reason === 'LOST')) {
    return movement('WRITE_OFF', { ...cause, quantity }, { reason, note });
  }
  const { actor, ...rest } = cause;
  return {
    ...rest,
    ...actorColumns(actor),
    kind: 'ADJUSTMENT',
    quantity,
    onHandChange: delta,
    reservedChange: 0,
    reason,
    note,
  };
}

type Keyed = { sku: string; warehouseId: string };

const keyOf = ({ sku, warehouseId }: Keyed) => `${sku}\u0000${warehouseId}`;

/** Orders stock levels by (sku, warehouse), the order their rows are locked in. */
export const compareLevels = (a: Keyed, b: Keyed) =>
  a.sku === b.sku
    ? a.warehouseId === b.warehouseId
      ? 0
      : a.warehouseId < b.warehouseId
        ? -1
        : 1
    : a.sku < b.sku
      ? -1
      : 1;

/**
 * Adds the changes of movements up per SKU and warehouse, ordered by (sku, warehouse). Replaying
 * the whole ledger gives the stock levels; a batch gives the net change it makes.
 */
export function rebuildStockLevels(
  movements: readonly Pick<
    NewMovement,
    'sku' | 'warehouseId' | 'onHandChange' | 'reservedChange'
  >[],
): Level[] {
  const levels = new Map<string, Level>();
  for (const { sku, warehouseId, onHandChange, reservedChange } of movements) {
    const level = levels.get(keyOf({ sku, warehouseId })) ?? {
      sku,
      warehouseId,
      onHand: 0,
      reserved: 0,
    };
    level.onHand += onHandChange;
    level.reserved += reservedChange;
    levels.set(keyOf(level), level);
  }
  return [...levels.values()].sort(compareLevels);
}

/** Available units, the ones that can still be sold. */
export const availableOf = ({ onHand, reserved }: { onHand: number; reserved: number }) =>
  onHand - reserved;

/** True when a level with this many available units is low. */
export const isLow = (available: number, threshold: number) => available <= threshold;

/**
 * True when a change makes a level low that was not: an alert is raised once on the way down,
 * not again on every later change while it stays low.
 */
export const becameLow = ({
  availableBefore,
  availableAfter,
  thresholdBefore,
  thresholdAfter,
}: {
  availableBefore: number;
  availableAfter: number;
  thresholdBefore: number;
  thresholdAfter: number;
}) => !isLow(availableBefore, thresholdBefore) && isLow(availableAfter, thresholdAfter);
