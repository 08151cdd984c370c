import { eq, sql } from 'drizzle-orm';
import type { Database } from '@ordergraph/shared';
import { carriers, type CarrierRow } from './db/schema.js';
import type { CarrierChanges, NewCarrier } from './carriers.js';

/** The shipments service's SQL for creating and changing carriers, over `db` or a transaction. */
export function createCarriersRepository({ db }: { db: Database }) {
  return {
    /** inserts the carrier; null when its code is taken */
    async insert(carrier: NewCarrier): Promise<CarrierRow | null> {
      const [row] = await db.insert(carriers).values(carrier).onConflictDoNothing().returning();
      return row ?? null;
    },

    /** the carrier, locked until the transaction ends; null when there is none */
    async lock(code: string): Promise<CarrierRow | null> {
      const [row] = await db.select().from(carriers).where(eq(carriers.code, code)).for('update');
      return row ?? null;
    },

    async update(code: string, changes: CarrierChanges): Promise<CarrierRow> {
      const [row] = await db
        .update(carriers)
        .set({ ...changes, updatedAt: sql`now()` })
        .where(eq(carriers.code, code))
        .returning();
      return row!;
    },
  };
}
