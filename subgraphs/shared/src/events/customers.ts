import { z } from 'zod';
import { defineEventContract, versioned } from './contract.js';

const ofNotification = { notificationId: z.string().min(1), customerId: z.string().min(1) };

/** The events of the customers service's log (`customersEventLog`), by type. */
export const customersEvents = defineEventContract('customers', {
  'customer.registered': versioned(1, z.object({ customerId: z.string().min(1) })),
  'customer.address_added': versioned(
    1,
    z.object({ customerId: z.string().min(1), addressId: z.string().min(1) }),
  ),
  'notification.created': versioned(1, z.object({ ...ofNotification, kind: z.string() })),
  'notification.delivered': versioned(1, z.object({ ...ofNotification, channel: z.string() })),
  'notification.read': versioned(1, z.object(ofNotification)),
});

export type CustomersEvents = typeof customersEvents;
