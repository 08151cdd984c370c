import { badUserInput, forbidden } from './errors.js';
import type { EventFeed } from './event-feed.js';
import { hasRole } from './identity.js';
import type { BaseContext } from './server.js';

const MAX_TYPES = 50;

/**
 * The resolver of a service's `<name>EventLog(after, first, waitMs, types)` field: other
 * services only (the field is @inaccessible at the router, and refused here to anyone else).
 */
export function eventFeedResolver(feed: EventFeed) {
  return async (
    _parent: unknown,
    {
      after,
      first,
      waitMs,
      types,
    }: { after: string; first: number; waitMs: number; types?: readonly string[] | null },
    { viewer }: BaseContext,
  ) => {
    if (!hasRole(viewer, 'service')) throw forbidden('The event log is for other services only.');
    if (!/^\d{1,18}$/.test(after)) throw badUserInput('"after" must be an event seq.', 'after');
    if (
      types &&
      (types.length > MAX_TYPES || types.some((type) => !/^[a-z_.]{1,100}\*?$/.test(type)))
    )
      throw badUserInput(
        `"types" takes at most ${MAX_TYPES} event types such as "order.placed" or "shipment.*".`,
        'types',
      );
    return feed.read({ after: Number(after), first, waitMs, types });
  };
}
