import {
  checkIdempotencyKey,
  customerIdOf,
  forbidden,
  hasRole,
  isUuid,
  unauthenticated,
  type Viewer,
} from '@ordergraph/shared';
import type { MutationResolvers } from '../__generated__/resolvers-types.js';
import { orderNotFound } from '../returns/return-results.js';
import {
  validateReceiveReturn,
  validateRefundReturn,
  validateRejectReturn,
  validateRequestReturn,
} from '../returns/return-inputs.js';
import { mayTakeReturnAction, type ReturnAction } from '../returns/returns.js';

const WHO: Record<ReturnAction, string> = {
  APPROVE: 'Only staff may approve returns.',
  REJECT: 'Only staff may reject returns.',
  RECEIVE: 'Only the warehouse and staff may receive returns.',
  REFUND: 'Only staff may refund returns.',
};

function authorize(viewer: Viewer, action: ReturnAction) {
  if (viewer.roles.length === 0) throw unauthenticated();
  if (!mayTakeReturnAction(viewer, action)) throw forbidden(WHO[action]);
}

/** The returns mutations, merged into the Mutation resolvers. */
export const ReturnMutation: Pick<
  MutationResolvers,
  'requestReturn' | 'approveReturn' | 'rejectReturn' | 'receiveReturn' | 'refundReturn'
> = {
  requestReturn: async (_parent, { input }, { viewer, returnFlows }) => {
    if (viewer.roles.length === 0) throw unauthenticated('Sign in to return items.');
    if (!customerIdOf(viewer) && !hasRole(viewer, 'staff', 'admin')) {
      throw forbidden('Only customers and staff may request returns.');
    }
    const request = validateRequestReturn(input);
    if ('__typename' in request) return request;
    if (!isUuid(request.orderId)) return orderNotFound(input.orderId);
    return returnFlows.requestReturn({
      viewer,
      request,
      input,
      idempotencyKey: input.idempotencyKey,
    });
  },

  approveReturn: async (_parent, { input }, { viewer, returnFlows }) => {
    authorize(viewer, 'APPROVE');
    const problem = checkIdempotencyKey(input.idempotencyKey);
    if (problem) return problem;
    return returnFlows.approveReturn({
      viewer,
      returnId: input.returnId,
      input,
      idempotencyKey: input.idempotencyKey,
    });
  },

  rejectReturn: async (_parent, { input }, { viewer, returnFlows }) => {
    authorize(viewer, 'REJECT');
    const rejection = validateRejectReturn(input);
    if ('__typename' in rejection) return rejection;
    return returnFlows.rejectReturn({
      viewer,
      returnId: input.returnId,
      rejectionReason: rejection.reason,
      input,
      idempotencyKey: input.idempotencyKey,
    });
  },

  receiveReturn: async (_parent, { input }, { viewer, returnFlows, requestId }) => {
    authorize(viewer, 'RECEIVE');
    const receipts = validateReceiveReturn(input);
    if ('__typename' in receipts) return receipts;
    return returnFlows.receiveReturn({
      viewer,
      returnId: input.returnId,
      receipts,
      input,
      idempotencyKey: input.idempotencyKey,
      requestId,
    });
  },

  refundReturn: async (_parent, { input }, { viewer, refunds }) => {
    authorize(viewer, 'REFUND');
    const request = validateRefundReturn(input);
    if ('__typename' in request) return request;
    return refunds.refundReturn({
      viewer,
      returnId: input.returnId,
      request,
      input,
      idempotencyKey: input.idempotencyKey,
    });
  },
};
