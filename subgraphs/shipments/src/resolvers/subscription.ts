import {
  encodeEventCursor,
  forbidden,
  notFound,
  readActor,
  systemActor,
  subscribeToStream,
  type EventLogRow,
  type EventTail,
} from '@ordergraph/shared';
import type { ShipmentStatus, SubscriptionResolvers } from '../__generated__/resolvers-types.js';
import type { Context } from '../context.js';
import { describeShipmentEvent } from '../shipment-event-messages.js';
import { canSeeShipment } from '../shipments.js';

/** the event log stream of a shipment */
const SHIPMENT_STREAM = 'shipment';

/** A shipment's event as `ShipmentEvent`: every payload names the status it left behind. */
const toShipmentEvent = (event: EventLogRow) => ({
  id: String(event.seq),
  type: event.type,
  status: event.payload['status'] as ShipmentStatus,
  message: describeShipmentEvent(event),
  occurredAt: event.occurredAt,
  // events from before actors were kept were the service's own doing, as far as anyone knows
  actor: readActor(event.payload['actor'], systemActor('shipments')),
});

export const createSubscription = ({ tail }: { tail: EventTail }): SubscriptionResolvers => ({
  shipmentUpdated: {
    // the same viewers as Query.shipment, checked before anything is replayed
    subscribe: async (_root, { shipmentId, after }, { viewer, loaders, db }) => {
      const shipment = await loaders.shipmentById.load(shipmentId);
      if (!shipment) throw notFound(`There is no shipment ${shipmentId}.`);
      if (!canSeeShipment(viewer, shipment)) {
        throw forbidden('You may only follow your own shipments.');
      }
      return subscribeToStream({
        tail,
        db,
        stream: { streamType: SHIPMENT_STREAM, streamId: shipmentId },
        after,
      });
    },
    // each event runs with fresh loaders: `shipment` is the shipment as it stands after it
    resolve: async (event: EventLogRow, _args: unknown, { loaders }: Context) => ({
      cursor: encodeEventCursor(SHIPMENT_STREAM, event.seq),
      event: toShipmentEvent(event),
      shipment: (await loaders.shipmentById.load(event.streamId))!,
    }),
  },
});
