import { hasRole, type Viewer } from './identity.js';

export const ACTOR_KINDS = [
  'CUSTOMER',
  'STAFF',
  'WAREHOUSE',
  'CARRIER',
  'PARTNER',
  'SYSTEM',
] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

/**
 * Who caused a change, as recorded with it: taken from the signed identity of the request, or
 * SYSTEM (with the service's name) for a step a service takes on its own.
 */
export interface Actor {
  kind: ActorKind;
  /** the user's id (the customer id for customers), the carrier code, the partner client or the service */
  id: string | null;
  /** a name to show, when the identity carries one */
  name: string | null;
}

/** The actor of a service's own step (a consumer, a runner, a sweep). */
export const systemActor = (service: string): Actor => ({
  kind: 'SYSTEM',
  id: service,
  name: service,
});

/**
 * The actor a viewer acts as. A carrier (by token or API key) is its carrier code; an API key
 * without a user token is its partner client; a user token is the user, by role; calls between
 * services are SYSTEM.
 */
export function actorOf(viewer: Viewer): Actor {
  const name = viewer.name ?? null;
  if (hasRole(viewer, 'service')) return systemActor(viewer.subject ?? 'service');
  if (hasRole(viewer, 'carrier') && viewer.carrierCode) {
    const code = viewer.carrierCode.trim().toLowerCase();
    return { kind: 'CARRIER', id: code, name: name ?? viewer.client ?? code };
  }
  if (viewer.client && !viewer.subject) {
    return { kind: 'PARTNER', id: viewer.client, name: name ?? viewer.client };
  }
  if (hasRole(viewer, 'staff', 'admin')) return { kind: 'STAFF', id: viewer.subject, name };
  if (hasRole(viewer, 'warehouse')) return { kind: 'WAREHOUSE', id: viewer.subject, name };
  return { kind: 'CUSTOMER', id: viewer.subject, name };
}

const textOrNull = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);

/** An actor as stored in an event payload or a row, or `fallback` when there is none (older records). */
export function readActor(value: unknown, fallback: Actor): Actor {
  if (!value || typeof value !== 'object') return fallback;
  const record = value as Record<string, unknown>;
  const kind = record['kind'];
  if (typeof kind !== 'string' || !(ACTOR_KINDS as readonly string[]).includes(kind)) {
    return fallback;
  }
  return {
    kind: kind as ActorKind,
    id: textOrNull(record['id']),
    name: textOrNull(record['name']),
  };
}
