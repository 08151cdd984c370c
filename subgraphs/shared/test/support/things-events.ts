import { z } from 'zod';
import { defineEventContract, versioned } from '../../src/index.js';

/** What the test producer emits. */
export const thingsEvents = defineEventContract('things', {
  'thing.happened': versioned(1, z.object({})),
  'thing.measured': versioned(1, z.object({ size: z.number().int() })),
  'order.placed': versioned(1, z.object({})),
  'shipment.shipped': versioned(1, z.object({})),
});
