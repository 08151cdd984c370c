import type { DatabaseHandle } from '@ordergraph/shared';

/**
 * Seeds nothing: demo orders are placed through the API once every service is up, so that
 * they are priced, reserved and paid for like any other order.
 */
export async function seedDemoData(_handle: DatabaseHandle): Promise<void> {}
