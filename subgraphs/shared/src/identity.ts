import { createHmac, timingSafeEqual } from 'node:crypto';

export const ROLES = ['customer', 'staff', 'warehouse', 'carrier', 'admin', 'service'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, as the router established it. `subject` is the customer id for customers. */
export interface Viewer {
  subject: string | null;
  roles: Role[];
  /** the carrier code a `carrier` caller acts for */
  carrierCode?: string | null;
  /** the partner client name, for API-key callers */
  client?: string | null;
  /** the user's display name, when the token carries one (its `name` claim) */
  name?: string | null;
}

export const ANONYMOUS: Viewer = Object.freeze({ subject: null, roles: [] }) as Viewer;

export const VIEWER_HEADER = 'x-ordergraph-viewer';
export const SIGNATURE_HEADER = 'x-ordergraph-signature';
export const TIMESTAMP_HEADER = 'x-ordergraph-timestamp';

/** how old a signature may be; bounds the replay of a captured request */
const MAX_SIGNATURE_AGE_SECONDS = 300;

function sign(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('hex');
}

/** The headers the router (or a calling service) sends with every subgraph request. */
export function signViewer(
  viewer: Viewer,
  { secret, now = Date.now() }: { secret: string; now?: number },
): Record<string, string> {
  const encoded = Buffer.from(JSON.stringify(viewer)).toString('base64url');
  const timestamp = Math.floor(now / 1000).toString();
  return {
    [VIEWER_HEADER]: encoded,
    [TIMESTAMP_HEADER]: timestamp,
    [SIGNATURE_HEADER]: sign(secret, `${timestamp}.${encoded}`),
  };
}

/** The viewer of a signed request, or null when the signature is missing, wrong or stale. */
export function verifyViewer(
  headers: { get(name: string): string | undefined | null },
  { secret, now = Date.now() }: { secret: string; now?: number },
): Viewer | null {
  const encoded = headers.get(VIEWER_HEADER);
  const timestamp = headers.get(TIMESTAMP_HEADER);
  const signature = headers.get(SIGNATURE_HEADER);
  if (!encoded || !timestamp || !signature) return null;
  const age = Math.abs(now / 1000 - Number(timestamp));
  if (!Number.isFinite(age) || age > MAX_SIGNATURE_AGE_SECONDS) return null;
  const expected = Buffer.from(sign(secret, `${timestamp}.${encoded}`), 'hex');
  const given = Buffer.from(signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const parsed = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as Viewer;
    const roles = Array.isArray(parsed.roles)
      ? parsed.roles.filter((role): role is Role => (ROLES as readonly string[]).includes(role))
      : [];
    return {
      subject: typeof parsed.subject === 'string' ? parsed.subject : null,
      roles,
      carrierCode: parsed.carrierCode ?? null,
      client: parsed.client ?? null,
      ...(typeof parsed.name === 'string' ? { name: parsed.name } : {}),
    };
  } catch {
    return null;
  }
}

export const hasRole = (viewer: Viewer, ...roles: Role[]) =>
  roles.some((role) => viewer.roles.includes(role));

/** staff, admins and internal services see every record */
export const isPrivileged = (viewer: Viewer) => hasRole(viewer, 'staff', 'admin', 'service');

/** the customer id a customer acts as, or null */
export const customerIdOf = (viewer: Viewer) =>
  hasRole(viewer, 'customer') && viewer.subject ? viewer.subject : null;

/** true when the viewer may read the records of this customer */
export const canActForCustomer = (viewer: Viewer, customerId: string) =>
  isPrivileged(viewer) || customerIdOf(viewer) === customerId;
