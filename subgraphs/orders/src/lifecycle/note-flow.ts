import { appendEvent, ordersEvents, type Actor, type Database } from '@ordergraph/shared';
import type { OrderNotFound } from './cancel-order.js';
import { createOrdersRepository } from '../orders.repository.js';
import type { AddOrderNoteSuccessResult, NewNote } from './notes.js';
import { createNotesRepository } from './notes.repository.js';

// staff may see every order: an unknown id is named as such
const noSuchOrder = (orderId: string): OrderNotFound => ({
  __typename: 'OrderNotFoundError',
  message: `No order has the id ${orderId}.`,
  orderId,
});

/**
 * Adds a note to an order in the caller's transaction and appends `order.note_added` to the
 * order's timeline: the customers service tells the customer about a CUSTOMER note, and an
 * INTERNAL one is shown to staff only. An unknown order writes nothing.
 */
export async function addOrderNote(
  tx: Database,
  { note, actor }: { note: NewNote; actor: Actor },
): Promise<AddOrderNoteSuccessResult | OrderNotFound> {
  const [order] = await createOrdersRepository({ db: tx }).findByIds([note.orderId]);
  if (!order) return noSuchOrder(note.orderId);
  const created = await createNotesRepository({ db: tx }).insert({ note, actor });
  await appendEvent(
    tx,
    ordersEvents.event({
      streamType: 'order',
      streamId: order.id,
      type: 'order.note_added',
      payload: {
        orderId: order.id,
        customerId: order.customerId,
        number: order.number,
        noteId: created.id,
        visibility: created.visibility,
        text: created.text,
        actor,
      },
    }),
  );
  return { __typename: 'AddOrderNoteSuccess', noteId: created.id, orderId: order.id };
}
