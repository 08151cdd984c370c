import type { Role, Viewer } from '@ordergraph/shared';
import { GraphQLError } from 'graphql';
import { jwtVerify } from 'jose';

const ANONYMOUS: Viewer = { subject: null, roles: [] };

const unauthenticated = (message: string) =>
  new GraphQLError(message, {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
  });

/**
 * The caller of a peer gateway, from its bearer token: the same claims our router reads (HS256,
 * `sub`, `roles`, `carrier`), written as a team would next to any gateway.
 */
export async function viewerFromAuthorization(
  authorization: string | null | undefined,
  secret: Uint8Array,
): Promise<Viewer> {
  if (!authorization) return ANONYMOUS;
  const token = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
  if (!token) throw unauthenticated('The Authorization header must be "Bearer <token>".');
  try {
    const { payload } = await jwtVerify(token, secret, { algorithms: ['HS256'] });
    const roles = Array.isArray(payload['roles'])
      ? (payload['roles'].filter((role) => role !== 'service') as Role[])
      : [];
    return {
      subject: payload.sub ?? null,
      roles,
      carrierCode: typeof payload['carrier'] === 'string' ? payload['carrier'] : null,
    };
  } catch {
    throw unauthenticated('The token is not valid.');
  }
}
