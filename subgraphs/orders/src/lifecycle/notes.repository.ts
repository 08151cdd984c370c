import { inArray } from 'drizzle-orm';
import { anyOf, isUuid, newestFirstPerGroup, type Actor, type Database } from '@ordergraph/shared';
import { orderNotes, type NoteVisibility, type OrderNoteRow } from '../db/schema.js';
import type { NewNote, NoteCursor } from './notes.js';

/** The SQL of order notes, over `db` or a transaction. */
export function createNotesRepository({ db }: { db: Database }) {
  return {
    async insert({ note, actor }: { note: NewNote; actor: Actor }): Promise<OrderNoteRow> {
      const [row] = await db
        .insert(orderNotes)
        .values({ ...note, actorKind: actor.kind, actorId: actor.id, actorName: actor.name })
        .returning();
      return row!;
    },

    async findByIds(ids: readonly string[]): Promise<OrderNoteRow[]> {
      const valid = ids.filter(isUuid);
      if (valid.length === 0) return [];
      return db.select().from(orderNotes).where(anyOf(orderNotes.id, valid));
    },

    /**
     * One page of notes for each of several orders in one statement: newest first, at most
     * `limit` rows per order after the cursor, of the visibilities given.
     */
    async listForOrders({
      orderIds,
      visibilities,
      limit,
      after,
    }: {
      orderIds: readonly string[];
      visibilities: readonly NoteVisibility[];
      limit: number;
      after: NoteCursor | null;
    }): Promise<OrderNoteRow[]> {
      const valid = orderIds.filter(isUuid);
      if (valid.length === 0) return [];
      return newestFirstPerGroup({
        db,
        table: orderNotes,
        groupBy: 'orderId',
        groups: valid,
        newestFirst: ['createdAt', 'id'],
        where: [inArray(orderNotes.visibility, [...visibilities])],
        after: after && { createdAt: new Date(after.createdAt), id: after.id },
        limit,
      });
    },
  };
}

export type NotesRepository = ReturnType<typeof createNotesRepository>;
