import { count } from 'drizzle-orm';
import type { DatabaseHandle } from '@ordergraph/shared';
import { DEMO_CUSTOMERS } from '@ordergraph/shared/demo-identities';
import { addresses, customers } from './db/schema.js';

// the demo people are a shared fixture: the router's sandbox signs in as them too
export { DEMO_CUSTOMERS };

/** Seeds the demo customers into an empty database; does nothing otherwise. */
export async function seedDemoData({ db }: DatabaseHandle): Promise<void> {
  const [existing] = await db.select({ n: count() }).from(customers);
  if ((existing?.n ?? 0) > 0) return;
  await db.transaction(async (tx) => {
    await tx
      .insert(customers)
      .values(DEMO_CUSTOMERS.map(({ id, email, name, phone }) => ({ id, email, name, phone })));
    await tx.insert(addresses).values(
      DEMO_CUSTOMERS.map(({ id, line1, city, postalCode, country }) => ({
        customerId: id,
        line1,
        city,
        postalCode,
        country,
      })),
    );
  });
}
