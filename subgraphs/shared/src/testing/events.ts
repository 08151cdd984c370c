import type { Database } from '../db.js';
import { readEvents } from '../event-log.js';
import { readEvent, type EventContract } from '../events/contract.js';

/**
 * The events of a service's log its contract cannot read, with the reason: what a test of a
 * producer expects to be none, since a consumer would park them.
 */
export async function eventsOffContract(
  db: Database,
  contract: EventContract,
): Promise<{ seq: number; type: string; reason: string }[]> {
  const off: { seq: number; type: string; reason: string }[] = [];
  for (let after = 0; ;) {
    const page = await readEvents(db, { after, limit: 500 });
    for (const event of page) {
      const read = readEvent(contract, event);
      if (!read.ok) off.push({ seq: event.seq, type: event.type, reason: read.reason });
    }
    if (page.length < 500) return off;
    after = page.at(-1)!.seq;
  }
}
