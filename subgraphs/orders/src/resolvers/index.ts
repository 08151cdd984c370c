import { DateTimeScalar } from '@ordergraph/shared';
import type { Resolvers } from '../__generated__/resolvers-types.js';
import { Customer } from './customer.js';
import { CancelMutation, CancelOrderSuccess, OrderLifecycle } from './lifecycle.js';
import { Mutation } from './mutation.js';
import { AddOrderNoteSuccess, NoteMutation, OrderNote, OrderNotes } from './notes.js';
import { Order, OrderEvent, OrderLine } from './order.js';
import { Query } from './query.js';
import { PlaceOrderSuccess } from './results.js';
import {
  ApproveReturnSuccess,
  OrderReturns,
  ReceiveReturnSuccess,
  RefundReturnSuccess,
  RejectReturnSuccess,
  RequestReturnSuccess,
  Return,
  ReturnLine,
  ReturnQuery,
} from './returns.js';
import { ReturnMutation } from './returns-mutation.js';
import { Subscription } from './subscription.js';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Query: { ...Query, ...ReturnQuery },
  Mutation: { ...Mutation, ...CancelMutation, ...ReturnMutation, ...NoteMutation },
  Subscription,
  Order: { ...Order, ...OrderLifecycle, ...OrderReturns, ...OrderNotes },
  OrderLine,
  OrderEvent,
  Customer,
  PlaceOrderSuccess,
  OrderNote,
  AddOrderNoteSuccess,
  CancelOrderSuccess,
  Return,
  ReturnLine,
  RequestReturnSuccess,
  ApproveReturnSuccess,
  RejectReturnSuccess,
  ReceiveReturnSuccess,
  RefundReturnSuccess,
};
