import { type DatabaseHandle, transaction } from '@ordergraph/shared';
import { createCarrier } from './carrier-admin.js';
import { validateNewCarrier } from './carriers.js';

/**
 * The demo's own carrier, beside the reference ones that come with the migrations: the one the
 * example carrier API key (config/clients.example.json) is bound to.
 */
export const DEMO_CARRIERS = [
  {
    code: 'fastship',
    name: 'FastShip',
    trackingUrlTemplate: 'https://tracking.example.com/fastship/{trackingNumber}',
    transitDays: 2,
  },
] as const;

/**
 * Seeds the demo carrier through createCarrier's own flow; one already there is left alone.
 * Demo shipments appear the way real ones do, when the demo orders are confirmed.
 */
export async function seedDemoData({ db }: DatabaseHandle): Promise<void> {
  for (const demo of DEMO_CARRIERS) {
    const carrier = validateNewCarrier({ ...demo, idempotencyKey: `demo-carrier-${demo.code}` });
    if ('__typename' in carrier) throw new Error(`demo carrier ${demo.code}: ${carrier.message}`);
    await transaction(db, (tx) => createCarrier(tx, { carrier }));
  }
}
