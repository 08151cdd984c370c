import type { DatabaseHandle } from '@ordergraph/shared';
import { warehouses } from './db/schema.js';

/** The demo warehouses; fixed ids so that shipments, docs and scripts can name them. */
export const DEMO_WAREHOUSES = [
  {
    id: 'wh-east',
    code: 'EAST',
    name: 'East Coast Fulfilment Center',
    city: 'Newark',
    country: 'US',
    priority: 1,
  },
  {
    id: 'wh-west',
    code: 'WEST',
    name: 'West Coast Fulfilment Center',
    city: 'Reno',
    country: 'US',
    priority: 2,
  },
] as const;

/**
 * Seeds the demo warehouses; warehouses already there are left alone. Stock is not seeded:
 * it arrives through receiveStock, like real deliveries.
 */
export async function seedDemoData({ db }: DatabaseHandle): Promise<void> {
  await db
    .insert(warehouses)
    .values(DEMO_WAREHOUSES.map((warehouse) => ({ ...warehouse })))
    .onConflictDoNothing();
}
