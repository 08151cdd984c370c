import { readActor, systemActor } from '@ordergraph/shared';
import type { TrackingEventResolvers } from '../__generated__/resolvers-types.js';

export const TrackingEvent: TrackingEventResolvers = {
  actor: ({ actorKind, actorId, actorName }) =>
    readActor({ kind: actorKind, id: actorId, name: actorName }, systemActor('shipments')),
};
