import { badUserInput, forbidden } from './errors.js';
import type { EventFeed } from './event-feed.js';
import { hasRole } from './identity.js';
import type { BaseContext } from './server.js';

/**
 * The resolver of a service's `<name>EventLog(after, first, waitMs)` field: other services
 * only (the field is @inaccessible at the router, and refused here to anyone else).
 */
export function eventFeedResolver(feed: EventFeed) {
  return async (
    _parent: unknown,
    { after, first, waitMs }: { after: string; first: number; waitMs: number },
    { viewer }: BaseContext,
  ) => {
    if (!hasRole(viewer, 'service')) throw forbidden('The event log is for other services only.');
    if (!/^\d{1,18}$/.test(after)) throw badUserInput('"after" must be an event seq.', 'after');
    return feed.read({ after: Number(after), first, waitMs });
  };
}
