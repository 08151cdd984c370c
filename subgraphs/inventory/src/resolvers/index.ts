import { DateTimeScalar } from '@ordergraph/shared';
import type { Resolvers } from '../__generated__/resolvers-types.js';
import { InternalMutation } from './internal.js';
import { Mutation } from './mutation.js';
import { ProductVariant } from './product-variant.js';
import {
  PurchasingMutation,
  PurchasingQuery,
  purchasingTypes,
} from '../purchasing/resolvers/index.js';
import { Query } from './query.js';
import { AdjustStockSuccess, ReceiveStockSuccess, SetLowStockThresholdSuccess } from './results.js';
import { StockLevel } from './stock-level.js';
import { StockMovement } from './stock-movement.js';
import { Subscription } from './subscription.js';
import { Warehouse, WarehouseResults } from './warehouse.js';
import { WarehouseMutation } from './warehouse-mutation.js';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Query: { ...Query, ...PurchasingQuery },
  Mutation: { ...Mutation, ...WarehouseMutation, ...InternalMutation, ...PurchasingMutation },
  Subscription,
  Warehouse,
  StockLevel,
  StockMovement,
  ProductVariant,
  ReceiveStockSuccess,
  AdjustStockSuccess,
  SetLowStockThresholdSuccess,
  ...purchasingTypes,
  ...WarehouseResults,
};
