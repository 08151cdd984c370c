import { DateTimeScalar, type EventFeed, type EventTail } from '@ordergraph/shared';
import type { Resolvers } from '../__generated__/resolvers-types.js';
import { CarrierResults } from './carrier.js';
import { CarrierMutation } from './carrier-mutation.js';
import { Mutation } from './mutation.js';
import { Order } from './order.js';
import { createQuery } from './query.js';
import { ShipmentSuccess } from './results.js';
import { Shipment } from './shipment.js';
import { ShipmentLine } from './shipment-line.js';
import { TrackingEvent } from './tracking-event.js';
import { createSubscription } from './subscription.js';

/** The resolvers of one server: the event feed and the tail are the server's own. */
export const createResolvers = ({
  feed,
  tail,
}: {
  feed: EventFeed;
  tail: EventTail;
}): Resolvers => ({
  DateTime: DateTimeScalar,
  Query: createQuery({ feed }),
  Mutation: { ...Mutation, ...CarrierMutation },
  Subscription: createSubscription({ tail }),
  Shipment,
  ShipmentLine,
  TrackingEvent,
  ShipmentSuccess,
  Order,
  ...CarrierResults,
});
