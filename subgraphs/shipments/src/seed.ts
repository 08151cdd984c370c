import type { DatabaseHandle } from '@ordergraph/shared';

/**
 * Nothing to seed: the carriers are reference data and come with the migrations, and demo
 * shipments appear the way real ones do, when the demo orders are confirmed.
 */
export async function seedDemoData(_handle: DatabaseHandle): Promise<void> {}
