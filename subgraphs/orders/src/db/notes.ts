import { index, pgEnum, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import type { ActorKind } from '@ordergraph/shared';
import { instant } from '@ordergraph/shared/tables';
import { orders } from './orders.js';

export const NOTE_VISIBILITIES = ['INTERNAL', 'CUSTOMER'] as const;
export const noteVisibility = pgEnum('note_visibility', NOTE_VISIBILITIES);
export type NoteVisibility = (typeof NOTE_VISIBILITIES)[number];

/** A note staff wrote on an order: INTERNAL ones are for staff only, CUSTOMER ones reach the customer. */
export const orderNotes = pgTable(
  'order_notes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id),
    text: text('text').notNull(),
    visibility: noteVisibility('visibility').notNull(),
    // who wrote it, as the request's signed identity said
    actorKind: text('actor_kind').$type<ActorKind>().notNull(),
    actorId: text('actor_id'),
    actorName: text('actor_name'),
    createdAt: instant('created_at'),
  },
  (table) => [
    // an order's notes, newest first, a page at a time
    index('order_notes_order_idx').on(table.orderId, table.createdAt, table.id),
  ],
);

export type OrderNoteRow = typeof orderNotes.$inferSelect;
