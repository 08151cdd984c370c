import { DateTimeScalar, type EventFeed } from '@ordergraph/shared';
import type { Resolvers } from '../__generated__/resolvers-types.js';
import { Mutation } from './mutation.js';
import { Order } from './order.js';
import { createQuery } from './query.js';
import { ShipmentSuccess } from './results.js';
import { Shipment } from './shipment.js';
import { ShipmentLine } from './shipment-line.js';

/** The resolvers of one server: the event feed is the server's own. */
export const createResolvers = ({ feed }: { feed: EventFeed }): Resolvers => ({
  DateTime: DateTimeScalar,
  Query: createQuery({ feed }),
  Mutation,
  Shipment,
  ShipmentLine,
  ShipmentSuccess,
  Order,
});
