import DataLoader from 'dataloader';
import { rowLoader } from '@ordergraph/shared';
import type { NoteVisibility, OrderNoteRow } from '../db/schema.js';
import type { NoteCursor } from './notes.js';
import type { NotesRepository } from './notes.repository.js';

/** One order's page of notes, as Order.notes asks for it. */
export interface OrderNotesKey {
  orderId: string;
  /** rows to fetch: the page size plus one, to tell whether another page follows */
  limit: number;
  after: NoteCursor | null;
  visibilities: readonly NoteVisibility[];
}

const pageOf = ({ limit, after, visibilities }: OrderNotesKey) =>
  JSON.stringify([limit, after?.createdAt ?? null, after?.id ?? null, visibilities]);

/** The per-request DataLoaders of order notes: one statement per distinct page, whatever the orders. */
export function createNoteLoaders(repository: NotesRepository) {
  return {
    noteById: rowLoader(
      (ids: readonly string[]) => repository.findByIds(ids),
      (row) => row.id,
    ),
    notesByOrder: new DataLoader<OrderNotesKey, OrderNoteRow[], string>(
      async (keys) => {
        const pages = new Map<string, OrderNotesKey[]>();
        for (const key of keys) pages.set(pageOf(key), [...(pages.get(pageOf(key)) ?? []), key]);
        const found = new Map<string, OrderNoteRow[]>();
        await Promise.all(
          [...pages].map(async ([page, group]) => {
            const [{ limit, after, visibilities }] = group as [OrderNotesKey];
            const rows = await repository.listForOrders({
              orderIds: group.map((key) => key.orderId),
              visibilities,
              limit,
              after,
            });
            for (const row of rows) {
              const id = `${row.orderId}|${page}`;
              found.set(id, [...(found.get(id) ?? []), row]);
            }
          }),
        );
        return keys.map((key) => found.get(`${key.orderId}|${pageOf(key)}`) ?? []);
      },
      { cacheKeyFn: (key) => `${key.orderId}|${pageOf(key)}` },
    ),
  };
}

export type NoteLoaders = ReturnType<typeof createNoteLoaders>;
