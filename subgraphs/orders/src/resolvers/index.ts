import { DateTimeScalar } from '@ordergraph/shared';
import type { Resolvers } from '../__generated__/resolvers-types.js';
import { Customer } from './customer.js';
import { Mutation } from './mutation.js';
import { Order, OrderEvent, OrderLine } from './order.js';
import { Query } from './query.js';
import { PlaceOrderSuccess } from './results.js';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Query,
  Mutation,
  Order,
  OrderLine,
  OrderEvent,
  Customer,
  PlaceOrderSuccess,
};
