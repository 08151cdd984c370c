/**
 * The steps of placeOrder, in the order they run. Each is recorded in the order request's row
 * as it begins, before the call it names: a recorded step may have acted (its answer may never
 * have come), so undoing it is always asked for, and the undo of a step that did nothing
 * changes nothing. COMMITTED is recorded with the order itself, CONFIRMED once the inventory
 * knows the reservation belongs to an order.
 */
export const SAGA_STEPS = [
  'QUOTED',
  'PROMO_REDEEMED',
  'STOCK_RESERVED',
  'PAYMENT_AUTHORIZED',
  'COMMITTED',
  'CONFIRMED',
] as const;

export type SagaStep = (typeof SAGA_STEPS)[number];

/** What a placeOrder attempt left behind, as its row records it. */
export interface SagaState {
  status: 'PENDING' | 'COMPLETED';
  /** the __typename of the stored result; null while PENDING */
  result: string | null;
  steps: readonly SagaStep[];
  /** the provider's id of the authorization, when its answer came */
  authorizationId: string | null;
}

/** The undo of a step: a call, idempotent by the order id. */
export type UndoAction =
  | { kind: 'voidAuthorization'; authorizationId: string | null }
  | { kind: 'releaseReservation' }
  | { kind: 'releasePromoCode' };

/** One thing to do for an attempt: a call to another service, or a write of its row. */
export type SagaAction =
  UndoAction | { kind: 'confirmReservation' } | { kind: 'recordInterrupted' } | { kind: 'settle' };

/** The undo of every recorded step that acts on another service, last step first. */
export function undoActions(
  steps: readonly SagaStep[],
  authorizationId: string | null,
): UndoAction[] {
  const actions: UndoAction[] = [];
  if (steps.includes('PAYMENT_AUTHORIZED')) {
    actions.push({ kind: 'voidAuthorization', authorizationId });
  }
  if (steps.includes('STOCK_RESERVED')) actions.push({ kind: 'releaseReservation' });
  if (steps.includes('PROMO_REDEEMED')) actions.push({ kind: 'releasePromoCode' });
  return actions;
}

/**
 * What recovery does with an attempt nobody has touched for a while: a PENDING one lost its
 * process, so its outcome is recorded as interrupted (a retry with its key gets that answer)
 * and its steps are undone; a failed one had its steps undone in a process that may have died
 * on the way, so they are undone again; an order that was written has its reservation
 * confirmed. Last, the row is settled, so that recovery leaves it alone.
 */
export function recoveryActions(state: SagaState): SagaAction[] {
  if (state.status === 'PENDING') {
    // a PENDING row never holds COMMITTED: the order and the COMPLETED status commit together
    return [
      { kind: 'recordInterrupted' },
      ...undoActions(state.steps, state.authorizationId),
      { kind: 'settle' },
    ];
  }
  if (state.result === 'PlaceOrderSuccess') {
    return state.steps.includes('CONFIRMED')
      ? [{ kind: 'settle' }]
      : [{ kind: 'confirmReservation' }, { kind: 'settle' }];
  }
  return [...undoActions(state.steps, state.authorizationId), { kind: 'settle' }];
}
