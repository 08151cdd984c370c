import { DateTimeScalar } from '@ordergraph/shared';
import type { Resolvers } from '../__generated__/resolvers-types.js';
import { Mutation } from './mutation.js';
import { Product } from './product.js';
import { Query } from './query.js';
import { Quote, QuoteLine } from './quote.js';
import { CreateProductSuccess } from './results.js';
import { ProductVariant } from './variant.js';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Query,
  Mutation,
  Product,
  ProductVariant,
  Quote,
  QuoteLine,
  CreateProductSuccess,
};
