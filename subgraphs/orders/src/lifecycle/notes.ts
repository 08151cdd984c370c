import {
  checkIdempotencyKey,
  checkText,
  firstProblem,
  hasRole,
  invalidInput,
  isPrivileged,
  isUuid,
  type InvalidInput,
  type Viewer,
} from '@ordergraph/shared';
import type { NoteVisibility } from '../db/schema.js';

export const MAX_NOTE_LENGTH = 2_000;

/** A note to add, checked: trimmed text, a known visibility. */
export interface NewNote {
  orderId: string;
  text: string;
  visibility: NoteVisibility;
}

/** Checks a note: 1 to 2000 characters once trimmed, on an order id that can be one. */
export function validateNote(input: {
  orderId: string;
  text: string;
  visibility: string;
  idempotencyKey: string;
}): NewNote | InvalidInput {
  const problem = firstProblem(
    checkIdempotencyKey(input.idempotencyKey),
    checkText(input.orderId, { field: 'orderId', max: 100 }),
    checkText(input.text, { field: 'text', max: MAX_NOTE_LENGTH }),
    input.visibility === 'INTERNAL' || input.visibility === 'CUSTOMER'
      ? null
      : invalidInput('visibility must be INTERNAL or CUSTOMER.', 'visibility'),
  );
  if (problem) return problem;
  return {
    orderId: input.orderId.trim(),
    text: input.text.trim(),
    visibility: input.visibility as NoteVisibility,
  };
}

/** True for an order id worth looking up (orders have uuid ids). */
export const isOrderId = (orderId: string) => isUuid(orderId);

/** Staff, admins, services and warehouse workers read INTERNAL notes; customers never do. */
export const canSeeInternalNotes = (viewer: Viewer) =>
  isPrivileged(viewer) || hasRole(viewer, 'warehouse');

/** The note types a viewer may see. */
export const visibleNoteKinds = (viewer: Viewer): NoteVisibility[] =>
  canSeeInternalNotes(viewer) ? ['INTERNAL', 'CUSTOMER'] : ['CUSTOMER'];

/** False for a timeline entry the viewer may not see: an INTERNAL note, for a customer. */
export const isVisibleEvent = (
  viewer: Viewer,
  event: { type: string; payload: Record<string, unknown> },
) =>
  event.type !== 'order.note_added' ||
  event.payload['visibility'] === 'CUSTOMER' ||
  canSeeInternalNotes(viewer);

/** What addOrderNote stores as its result (see withIdempotency). */
export type AddOrderNoteSuccessResult = {
  __typename: 'AddOrderNoteSuccess';
  noteId: string;
  orderId: string;
};

/** Where a page of an order's notes ends: newest first. */
export interface NoteCursor {
  createdAt: string;
  id: string;
}
