import { appendEvent, shipmentsEvents, type Database, type InvalidInput } from '@ordergraph/shared';
import {
  carrierCodeTaken,
  unknownCarrier,
  type CarrierChanges,
  type CarrierSuccessResult,
  type NewCarrier,
} from './carriers.js';
import { createCarriersRepository } from './carriers.repository.js';
import type { CarrierRow } from './db/schema.js';

// what the carrier events carry: the carrier as it now is
const snapshot = ({ createdAt: _created, updatedAt: _updated, ...carrier }: CarrierRow) => carrier;

/**
 * Creates a carrier in the caller's transaction and records `carrier.created`; a taken code is
 * a CarrierCodeTakenError and nothing is written. The demo seed creates its carrier here.
 */
export async function createCarrier(
  tx: Database,
  { carrier }: { carrier: NewCarrier },
): Promise<CarrierSuccessResult<'CreateCarrierSuccess'> | ReturnType<typeof carrierCodeTaken>> {
  const created = await createCarriersRepository({ db: tx }).insert(carrier);
  if (!created) return carrierCodeTaken(carrier.code);
  await appendEvent(
    tx,
    shipmentsEvents.event({
      streamType: 'carrier',
      streamId: created.code,
      type: 'carrier.created',
      payload: snapshot(created),
    }),
  );
  return { __typename: 'CreateCarrierSuccess', code: created.code };
}

/**
 * Changes a carrier (its code stays: parcels, tracking numbers and carrier clients are bound to
 * it) and records `carrier.updated` with the fields that changed.
 */
export async function updateCarrier(
  tx: Database,
  { code, changes }: { code: string; changes: CarrierChanges },
): Promise<CarrierSuccessResult<'UpdateCarrierSuccess'> | InvalidInput> {
  const carriers = createCarriersRepository({ db: tx });
  if (!(await carriers.lock(code))) return unknownCarrier(code);
  const updated = await carriers.update(code, changes);
  await appendEvent(
    tx,
    shipmentsEvents.event({
      streamType: 'carrier',
      streamId: code,
      type: 'carrier.updated',
      payload: { ...snapshot(updated), changed: Object.keys(changes).sort() },
    }),
  );
  return { __typename: 'UpdateCarrierSuccess', code };
}
