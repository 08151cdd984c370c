import { DateTimeScalar } from '@ordergraph/shared';
import type { Resolvers } from '../__generated__/resolvers-types.js';
import { Order } from './order.js';
import { Query } from './query.js';
import { Shipment } from './shipment.js';
import { ShipmentLine } from './shipment-line.js';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Query,
  Shipment,
  ShipmentLine,
  Order,
};
