import {
  appendEvent,
  withAppendsLast,
  inventoryEvents,
  type Actor,
  type Database,
  type InvalidInput,
  type NewEvent,
} from '@ordergraph/shared';
import { createInventoryRepository } from './inventory.repository.js';
import {
  stockBelowReserved,
  type AdjustStockSuccessResult,
  type Adjustment,
  type Receipt,
  type SetLowStockThresholdSuccessResult,
  type ThresholdSetting,
} from './inventory.js';
import {
  adjustment,
  availableOf,
  becameLow,
  DEFAULT_LOW_STOCK_THRESHOLD,
  movement,
  type NewMovement,
} from './ledger.js';
import { createLedgerRepository, type MovedLevel } from './ledger.repository.js';
import { inactiveWarehouse, unknownWarehouse } from './warehouses.js';
import { createWarehousesRepository } from './warehouses.repository.js';

/** What receiveStock answers: the level is resolved from its SKU and warehouse. */
export type ReceiveStockSuccessResult = {
  __typename: 'ReceiveStockSuccess';
  sku: string;
  warehouseId: string;
};

/** A stock level that just became low: the payload of `stock.low`. */
export interface LowStockAlert {
  sku: string;
  warehouseId: string;
  available: number;
  threshold: number;
}

/**
 * Records movements in the ledger and applies them to the stock levels (the only way stock
 * changes), and says which levels they made low.
 */
export async function moveStock(
  tx: Database,
  movements: readonly NewMovement[],
  options: { levelsLocked?: boolean } = {},
): Promise<{ movementIds: number[]; levels: MovedLevel[]; alerts: LowStockAlert[] }> {
  const { movementIds, levels } = await createLedgerRepository({ db: tx }).applyMovements(
    movements,
    options,
  );
  const alerts = levels.flatMap(({ sku, warehouseId, ...level }) => {
    const threshold = level.threshold ?? DEFAULT_LOW_STOCK_THRESHOLD;
    const available = availableOf(level);
    const changed = becameLow({
      availableBefore: available - (level.onHandChange - level.reservedChange),
      availableAfter: available,
      thresholdBefore: threshold,
      thresholdAfter: threshold,
    });
    return changed ? [{ sku, warehouseId, available, threshold }] : [];
  });
  return { movementIds, levels, alerts };
}

/** Appends a change's own events, then its low-stock alerts: the last statements of its transaction. */
export async function appendStockEvents(
  tx: Database,
  events: readonly NewEvent[],
  alerts: readonly LowStockAlert[] = [],
): Promise<void> {
  // in one statement, the log's lock taken once
  await withAppendsLast(tx, async () => {
    for (const event of events) await appendEvent(tx, event);
    for (const alert of alerts) {
      await appendEvent(
        tx,
        inventoryEvents.event({
          streamType: 'sku',
          streamId: alert.sku,
          type: 'stock.low',
          payload: { ...alert },
        }),
      );
    }
  });
}

/**
 * Why a warehouse takes no receipts (it is unknown or inactive), or null when it takes them.
 * Every change that brings units into a warehouse (a receipt, a purchase order's delivery, a
 * return) or commits one to come (a purchase order) asks here first in its transaction: the
 * share lock taken is held until that transaction ends, and a deactivation takes the row lock,
 * so the two happen one after the other and no unit lands in an inactive warehouse, however
 * they race. `field` names the input the refusal points at.
 */
export async function checkReceivingWarehouse(
  tx: Database,
  { warehouseId, field = 'warehouseId' }: { warehouseId: string; field?: string },
): Promise<InvalidInput | null> {
  const warehouse = await createWarehousesRepository({ db: tx }).lockShared(warehouseId);
  if (!warehouse) return unknownWarehouse(warehouseId, field);
  // an inactive warehouse keeps its stock (it can still be counted) but takes no deliveries
  return warehouse.active ? null : inactiveWarehouse(warehouse.code, field);
}

/**
 * Units arriving in a warehouse, as a RECEIPT; an unknown or inactive warehouse is refused
 * under its lock (see checkReceivingWarehouse).
 */
export async function receiveStock(
  tx: Database,
  { sku, warehouseId, quantity, reference, actor }: Receipt & { reference: string; actor: Actor },
): Promise<ReceiveStockSuccessResult | InvalidInput> {
  const refused = await checkReceivingWarehouse(tx, { warehouseId });
  if (refused) return refused;
  const { levels } = await moveStock(tx, [
    movement('RECEIPT', { sku, warehouseId, quantity, reference, actor }),
  ]);
  const { onHand, reserved } = levels[0]!;
  await appendStockEvents(tx, [
    inventoryEvents.event({
      streamType: 'sku',
      streamId: sku,
      type: 'stock.received',
      payload: { sku, warehouseId, quantity, onHand, reserved },
    }),
  ]);
  return { __typename: 'ReceiveStockSuccess', sku, warehouseId };
}

/**
 * Corrects a count by hand. Units held for orders cannot be removed: the level is locked and
 * checked first, so on hand never drops below reserved.
 */
export async function adjustStock(
  tx: Database,
  {
    sku,
    warehouseId,
    delta,
    reason,
    note,
    reference,
    actor,
  }: Adjustment & { reference: string; actor: Actor },
): Promise<AdjustStockSuccessResult | ReturnType<typeof stockBelowReserved>> {
  const stock = await createInventoryRepository({ db: tx }).lockStock([sku]);
  const level = stock.find((row) => row.warehouseId === warehouseId);
  const onHand = level?.onHand ?? 0;
  const reserved = level?.reserved ?? 0;
  if (onHand + delta < reserved) {
    return stockBelowReserved({ sku, warehouseId, onHand, reserved });
  }
  const recorded = adjustment({ sku, warehouseId, delta, reason, note, reference, actor });
  const { movementIds, levels, alerts } = await moveStock(tx, [recorded]);
  const after = levels[0]!;
  const writtenOff = recorded.kind === 'WRITE_OFF';
  await appendStockEvents(
    tx,
    [
      inventoryEvents.event({
        streamType: 'sku',
        streamId: sku,
        type: writtenOff ? 'stock.written_off' : 'stock.adjusted',
        payload: {
          sku,
          warehouseId,
          ...(writtenOff ? { quantity: recorded.quantity } : { delta }),
          reason,
          note,
          onHand: after.onHand,
          reserved: after.reserved,
        },
      }),
    ],
    alerts,
  );
  return { __typename: 'AdjustStockSuccess', sku, warehouseId, movementId: movementIds[0]! };
}

/**
 * Sets a SKU's low-stock threshold in a warehouse. A threshold that makes the current level
 * low raises `stock.low` like a movement would; the level is locked so no movement interleaves.
 */
export async function setLowStockThreshold(
  tx: Database,
  { sku, warehouseId, threshold, actor }: ThresholdSetting & { actor: string | null },
): Promise<SetLowStockThresholdSuccessResult> {
  const inventory = createInventoryRepository({ db: tx });
  const level = (await inventory.lockStock([sku])).find((row) => row.warehouseId === warehouseId);
  const previous = (await inventory.findThreshold({ sku, warehouseId }))?.threshold;
  await inventory.saveThreshold({ sku, warehouseId, threshold, updatedBy: actor });
  const alerts: LowStockAlert[] =
    level &&
    becameLow({
      availableBefore: level.available,
      availableAfter: level.available,
      thresholdBefore: previous ?? DEFAULT_LOW_STOCK_THRESHOLD,
      thresholdAfter: threshold,
    })
      ? [{ sku, warehouseId, available: level.available, threshold }]
      : [];
  await appendStockEvents(
    tx,
    [
      inventoryEvents.event({
        streamType: 'sku',
        streamId: sku,
        type: 'stock.low_threshold_set',
        payload: { sku, warehouseId, threshold, previous: previous ?? null },
      }),
    ],
    alerts,
  );
  return { __typename: 'SetLowStockThresholdSuccess', sku, warehouseId, threshold };
}
