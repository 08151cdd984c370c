import {
  badUserInput,
  hashRequest,
  type Actor,
  type Database,
  inventoryEvents,
} from '@ordergraph/shared';
import { mergeLines } from './allocation.js';
import { createInventoryRepository } from './inventory.repository.js';
import type { Restock } from './inventory.js';
import { movement } from './ledger.js';
import { appendStockEvents, checkReceivingWarehouse, moveStock } from './stock.js';

/**
 * Puts returned units back on the shelves of one warehouse as RETURN movements (on hand goes
 * up), once per return and warehouse: a repeated call, even a concurrent one, changes nothing
 * and is true again. Reusing the pair with other lines is refused (BAD_USER_INPUT), and so is
 * an inactive warehouse, checked under its lock as receiveStock does.
 *
 * The orders service calls this while staff record a return's arrival (receiveReturn), not from
 * an event consumer, so refusing stops that mutation rather than a feed; orders checks the
 * warehouse up front too, so staff get an InvalidInputError on the line and choose another
 * warehouse, and this check only catches a deactivation in between.
 */
export async function restockReturn(
  db: Database,
  { returnId, warehouseId, lines, actor }: Restock & { actor: Actor },
): Promise<boolean> {
  const merged = mergeLines(lines).sort((a, b) => (a.sku < b.sku ? -1 : 1));
  const requestHash = hashRequest({ lines: merged });
  return db.transaction(async (tx) => {
    // the warehouse is locked first, as every receipt does; a restock it took while active is
    // still answered true, only new units are refused
    const closed = await checkReceivingWarehouse(tx, { warehouseId });
    const inventory = createInventoryRepository({ db: tx });
    const claim = await inventory.claimReturnRestock({ returnId, warehouseId, requestHash });
    if (!claim.claimed) {
      if (claim.requestHash === requestHash) return true;
      throw badUserInput(
        `Return ${returnId} was already restocked in ${warehouseId} with other lines.`,
        'lines',
      );
    }
    // thrown, so the claim goes with the transaction: once reactivated, the same call restocks
    if (closed) throw badUserInput(closed.message, closed.field ?? undefined);
    const { levels } = await moveStock(
      tx,
      merged.map(({ sku, quantity }) =>
        movement('RETURN', { sku, warehouseId, quantity, reference: returnId, actor }),
      ),
    );
    await appendStockEvents(
      tx,
      levels.map(({ sku, onHand, reserved, onHandChange }) =>
        inventoryEvents.event({
          streamType: 'sku',
          streamId: sku,
          type: 'stock.returned',
          payload: { returnId, sku, warehouseId, quantity: onHandChange, onHand, reserved },
        }),
      ),
    );
    return true;
  });
}
