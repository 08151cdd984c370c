import {
  actorOf,
  badUserInput,
  forbidden,
  hasRole,
  isUuid,
  pageArgs,
  readActor,
  systemActor,
  toConnection,
  withIdempotency,
} from '@ordergraph/shared';
import type { MutationResolvers, Resolvers } from '../__generated__/resolvers-types.js';
import { addOrderNote } from '../lifecycle/note-flow.js';
import {
  isVisibleEvent,
  validateNote,
  visibleNoteKinds,
  type NoteCursor,
} from '../lifecycle/notes.js';

// a cursor is client input: check its shape before it reaches SQL
const isCursor = (cursor: NoteCursor) =>
  typeof cursor?.createdAt === 'string' &&
  !Number.isNaN(new Date(cursor.createdAt).getTime()) &&
  typeof cursor.id === 'string' &&
  isUuid(cursor.id);

export const NoteMutation: Pick<MutationResolvers, 'addOrderNote'> = {
  addOrderNote: async (_parent, { input }, { viewer, db, loaders }) => {
    if (!hasRole(viewer, 'staff', 'admin')) throw forbidden('Only staff may add notes to orders.');
    const note = validateNote(input);
    if ('__typename' in note) return note;
    if (!isUuid(note.orderId)) {
      return {
        __typename: 'OrderNotFoundError',
        message: `No order has the id ${note.orderId}.`,
        orderId: note.orderId,
      };
    }
    const result = await withIdempotency(db, {
      scope: `addOrderNote:${viewer.subject ?? 'anonymous'}`,
      key: input.idempotencyKey,
      input,
      run: (tx) => addOrderNote(tx, { note, actor: actorOf(viewer) }),
    });
    // the order's timeline changed: what this request loaded of it is stale
    loaders.timelineByOrderId.clear(note.orderId);
    return result;
  },
};

/** The order's notes and its timeline, as far as the viewer may read them. */
export const OrderNotes: Pick<NonNullable<Resolvers['Order']>, 'notes' | 'timeline'> = {
  notes: async (order, args, { viewer, loaders }) => {
    const { limit, after } = pageArgs<NoteCursor>(args);
    if (after && !isCursor(after)) throw badUserInput('"after" is not a valid cursor.', 'after');
    const rows = await loaders.notesByOrder.load({
      orderId: order.id,
      limit: limit + 1,
      after,
      visibilities: visibleNoteKinds(viewer),
    });
    return toConnection(rows, {
      limit,
      cursorOf: (row) => ({ createdAt: row.createdAt.toISOString(), id: row.id }),
    });
  },

  // an INTERNAL note is staff's: a customer's timeline goes without it
  timeline: async (order, _args, { viewer, loaders }) =>
    (await loaders.timelineByOrderId.load(order.id)).filter((event) =>
      isVisibleEvent(viewer, event),
    ),
};

export const OrderNote: Resolvers['OrderNote'] = {
  author: (note) =>
    readActor(
      { kind: note.actorKind, id: note.actorId, name: note.actorName },
      systemActor('orders'),
    ),
};

// mutation results are stored as ids (see withIdempotency) and resolved on every read
export const AddOrderNoteSuccess: Resolvers['AddOrderNoteSuccess'] = {
  note: async ({ noteId }, _args, { loaders }) => (await loaders.noteById.load(noteId))!,
  order: async ({ orderId }, _args, { loaders }) => (await loaders.orderById.load(orderId))!,
};
