import { forbidden, toMoney } from '@ordergraph/shared';
import type { Resolvers } from '../__generated__/resolvers-types.js';
import { canSeeOrder } from '../placing/place-order-inputs.js';
import { allowedReturnActions } from '../returns/returns.js';

export const Return: Resolvers['Return'] = {
  // the same rule as Query.return: a return the viewer may not see resolves to nothing
  __resolveReference: async ({ id }, { viewer, loaders }) => {
    const found = await loaders.returnById.load(id);
    return found && canSeeOrder(viewer, found) ? found : null;
  },

  order: async (found, _args, { loaders }) => (await loaders.orderById.load(found.orderId))!,
  lines: async (found, _args, { loaders }) => {
    const lines = await loaders.returnLinesByReturnId.load(found.id);
    return lines.map((line) => ({ ...line, orderId: found.orderId, currency: found.currency }));
  },
  refundableAmount: async (found, _args, { loaders }) => {
    const lines = await loaders.returnLinesByReturnId.load(found.id);
    return toMoney(
      lines.reduce((sum, line) => sum + line.amount, 0),
      found.currency,
    );
  },
  refundedAmount: (found) =>
    found.refundedAmount === null ? null : toMoney(found.refundedAmount, found.currency),
  allowedActions: (found, _args, { viewer }) => allowedReturnActions(found.status, viewer),
};

export const ReturnLine: Resolvers['ReturnLine'] = {
  orderLine: async (line, _args, { loaders }) => {
    const lines = await loaders.linesByOrderId.load(line.orderId);
    const orderLine = lines.find((candidate) => candidate.id === line.orderLineId)!;
    return { ...orderLine, currency: line.currency };
  },
  amount: (line) => toMoney(line.amount, line.currency),
};

/** Order.returns, merged into the Order resolvers */
export const OrderReturns: Pick<NonNullable<Resolvers['Order']>, 'returns'> = {
  returns: (order, _args, { loaders }) => loaders.returnsByOrderId.load(order.id),
};

/** Query.return, merged into the Query resolvers */
export const ReturnQuery: Pick<NonNullable<Resolvers['Query']>, 'return'> = {
  return: async (_parent, { id }, { viewer, loaders }) => {
    const found = await loaders.returnById.load(id.toLowerCase());
    if (!found) return null;
    if (!canSeeOrder(viewer, found)) throw forbidden('You may only see your own returns.');
    return found;
  },
};

// mutation results are stored as ids (see withIdempotency) and resolved on every read
const returnOf: NonNullable<Resolvers['RequestReturnSuccess']>['return'] = async (
  { returnId },
  _args,
  { loaders },
) => (await loaders.returnById.load(returnId))!;

export const RequestReturnSuccess: Resolvers['RequestReturnSuccess'] = { return: returnOf };
export const ApproveReturnSuccess: Resolvers['ApproveReturnSuccess'] = { return: returnOf };
export const RejectReturnSuccess: Resolvers['RejectReturnSuccess'] = { return: returnOf };
export const ReceiveReturnSuccess: Resolvers['ReceiveReturnSuccess'] = { return: returnOf };
export const RefundReturnSuccess: Resolvers['RefundReturnSuccess'] = {
  return: async ({ returnId }, _args, { loaders }) => (await loaders.returnById.load(returnId))!,
  amount: ({ amount, currency }) => toMoney(amount, currency),
};
