import { DateTimeScalar } from '@ordergraph/shared';
import type { Resolvers } from '../__generated__/resolvers-types.js';
import { Customer } from './customer.js';
import { Mutation } from './mutation.js';
import { Query } from './query.js';
import {
  AddAddressSuccess,
  MarkNotificationReadSuccess,
  RegisterCustomerSuccess,
} from './results.js';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Query,
  Mutation,
  Customer,
  RegisterCustomerSuccess,
  AddAddressSuccess,
  MarkNotificationReadSuccess,
};
