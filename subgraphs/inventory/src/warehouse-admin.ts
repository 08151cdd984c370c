import { appendEvent, type Database, type InvalidInput, inventoryEvents } from '@ordergraph/shared';
import type { WarehouseRow } from './db/schema.js';
import {
  unknownWarehouse,
  warehouseCodeTaken,
  type NewWarehouse,
  type WarehouseChanges,
  type WarehouseSuccessResult,
} from './warehouses.js';
import { createWarehousesRepository } from './warehouses.repository.js';

// what the warehouse events carry: the warehouse as it now is
const snapshot = ({ createdAt: _created, updatedAt: _updated, ...warehouse }: WarehouseRow) =>
  warehouse;

/**
 * Creates a warehouse in the caller's transaction and records `warehouse.created`; a taken code
 * is a WarehouseCodeTakenError and nothing is written. The demo seed creates its warehouses here.
 */
export async function createWarehouse(
  tx: Database,
  { warehouse }: { warehouse: NewWarehouse },
): Promise<
  WarehouseSuccessResult<'CreateWarehouseSuccess'> | ReturnType<typeof warehouseCodeTaken>
> {
  const created = await createWarehousesRepository({ db: tx }).insert(warehouse);
  if (!created) return warehouseCodeTaken(warehouse.code);
  await appendEvent(
    tx,
    inventoryEvents.event({
      streamType: 'warehouse',
      streamId: created.id,
      type: 'warehouse.created',
      payload: snapshot(created),
    }),
  );
  return { __typename: 'CreateWarehouseSuccess', warehouseId: created.id };
}

/**
 * Changes a warehouse (its code stays: it is its id's root and other services keep it) and
 * records `warehouse.updated` with the fields that changed.
 */
export async function updateWarehouse(
  tx: Database,
  { warehouseId, changes }: { warehouseId: string; changes: WarehouseChanges },
): Promise<WarehouseSuccessResult<'UpdateWarehouseSuccess'> | InvalidInput> {
  const warehouses = createWarehousesRepository({ db: tx });
  if (!(await warehouses.lock(warehouseId))) return unknownWarehouse(warehouseId);
  const updated = await warehouses.update(warehouseId, changes);
  await appendEvent(
    tx,
    inventoryEvents.event({
      streamType: 'warehouse',
      streamId: warehouseId,
      type: 'warehouse.updated',
      payload: { ...snapshot(updated), changed: Object.keys(changes).sort() },
    }),
  );
  return { __typename: 'UpdateWarehouseSuccess', warehouseId };
}

/**
 * Takes a warehouse out of allocation and receipts; its stock and history stay. Deactivating an
 * inactive warehouse changes nothing and records nothing.
 */
export async function deactivateWarehouse(
  tx: Database,
  { warehouseId }: { warehouseId: string },
): Promise<WarehouseSuccessResult<'DeactivateWarehouseSuccess'> | InvalidInput> {
  const warehouses = createWarehousesRepository({ db: tx });
  const current = await warehouses.lock(warehouseId);
  if (!current) return unknownWarehouse(warehouseId);
  if (current.active) {
    const updated = await warehouses.update(warehouseId, { active: false });
    await appendEvent(
      tx,
      inventoryEvents.event({
        streamType: 'warehouse',
        streamId: warehouseId,
        type: 'warehouse.deactivated',
        payload: snapshot(updated),
      }),
    );
  }
  return { __typename: 'DeactivateWarehouseSuccess', warehouseId };
}
