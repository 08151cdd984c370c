import type { Viewer } from '@ordergraph/shared';
import type { OrderRow, ReturnRow, ReturnStatus } from '../db/schema.js';
import { checkReturnTransition, type InvalidReturnTransition } from './returns.js';
import type { ReturnsRepository } from './returns.repository.js';

/** What a returns mutation stores as its result: ids, resolved again on every read. */
export type ReturnSuccessResult<
  T extends
    | 'RequestReturnSuccess'
    | 'ApproveReturnSuccess'
    | 'RejectReturnSuccess'
    | 'ReceiveReturnSuccess' =
    | 'RequestReturnSuccess'
    | 'ApproveReturnSuccess'
    | 'RejectReturnSuccess'
    | 'ReceiveReturnSuccess',
> = { __typename: T; returnId: string };

export type OrderNotFound = { __typename: 'OrderNotFoundError'; message: string; orderId: string };
export type ReturnNotFound = {
  __typename: 'ReturnNotFoundError';
  message: string;
  returnId: string;
};

export const orderNotFound = (orderId: string): OrderNotFound => ({
  __typename: 'OrderNotFoundError',
  message: `No order has the id ${orderId}.`,
  orderId,
});

export const returnNotFound = (returnId: string): ReturnNotFound => ({
  __typename: 'ReturnNotFoundError',
  message: `No return has the id ${returnId}.`,
  returnId,
});

export const scopeOf = (mutation: string, viewer: Viewer) => `${mutation}:${viewer.subject ?? ''}`;

/**
 * Locks a return's order, then the return (the lock order every returns mutation keeps), and
 * checks the move; the return and its order, or why nothing may change.
 */
export async function lockForMove(
  repository: ReturnsRepository,
  returnId: string,
  to: ReturnStatus,
): Promise<{ found: ReturnRow; order: OrderRow } | ReturnNotFound | InvalidReturnTransition> {
  const [seen] = await repository.findByIds([returnId]);
  const order = seen ? await repository.lockOrder(seen.orderId) : null;
  const found = order ? await repository.lockReturn(returnId) : null;
  if (!found || !order) return returnNotFound(returnId);
  return checkReturnTransition(found.status, to) ?? { found, order };
}
