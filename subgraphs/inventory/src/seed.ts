import { type DatabaseHandle, transaction } from '@ordergraph/shared';
import { createWarehouse } from './warehouse-admin.js';
import { validateNewWarehouse } from './warehouses.js';

/** The demo warehouses; their ids come from their codes, so shipments, docs and scripts can name them. */
export const DEMO_WAREHOUSES = [
  {
    id: 'wh-east',
    code: 'EAST',
    name: 'East Coast Fulfilment Center',
    address: {
      line1: '100 Port Street',
      city: 'Newark',
      region: 'NJ',
      postalCode: '07114',
      country: 'US',
    },
    priority: 1,
  },
  {
    id: 'wh-west',
    code: 'WEST',
    name: 'West Coast Fulfilment Center',
    address: {
      line1: '2500 Logistics Way',
      city: 'Reno',
      region: 'NV',
      postalCode: '89502',
      country: 'US',
    },
    priority: 2,
  },
] as const;

/**
 * Seeds the demo warehouses through createWarehouse's own flow; warehouses already there are
 * left alone (a taken code changes nothing). Stock is not seeded: it arrives through
 * receiveStock, like real deliveries.
 */
export async function seedDemoData({ db }: DatabaseHandle): Promise<void> {
  for (const { id: _id, ...demo } of DEMO_WAREHOUSES) {
    const warehouse = validateNewWarehouse({
      ...demo,
      idempotencyKey: `demo-warehouse-${demo.code}`,
    });
    if ('__typename' in warehouse)
      throw new Error(`demo warehouse ${demo.code}: ${warehouse.message}`);
    await transaction(db, (tx) => createWarehouse(tx, { warehouse }));
  }
}
