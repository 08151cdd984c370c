import {
  and,
  asc,
  desc,
  eq,
  getTableColumns,
  inArray,
  lt,
  lte,
  or,
  sql,
  type SQL,
} from 'drizzle-orm';
import { anyOf, isUuid, type Actor, type Database } from '@ordergraph/shared';
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
      const conditions: (SQL | undefined)[] = [
        anyOf(orderNotes.orderId, valid),
        inArray(orderNotes.visibility, [...visibilities]),
      ];
      if (after) {
        const createdAt = new Date(after.createdAt);
        conditions.push(
          or(
            lt(orderNotes.createdAt, createdAt),
            and(eq(orderNotes.createdAt, createdAt), lt(orderNotes.id, after.id)),
          ),
        );
      }
      const ranked = db.$with('ranked').as(
        db
          .select({
            ...getTableColumns(orderNotes),
            rank: sql<number>`row_number() over (partition by ${orderNotes.orderId} order by ${orderNotes.createdAt} desc, ${orderNotes.id} desc)`.as(
              'rank',
            ),
          })
          .from(orderNotes)
          .where(and(...conditions)),
      );
      const rows = await db
        .with(ranked)
        .select()
        .from(ranked)
        .where(lte(ranked.rank, limit))
        .orderBy(asc(ranked.orderId), desc(ranked.createdAt), desc(ranked.id));
      return rows.map(({ rank: _rank, ...row }) => row);
    },
  };
}

export type NotesRepository = ReturnType<typeof createNotesRepository>;
