import { ANONYMOUS, HttpError, ROLES, type Role, type Viewer } from '@ordergraph/shared';
import { errors, jwtVerify, SignJWT } from 'jose';

// roles a token may carry; 'service' is for calls between our own services only
const TOKEN_ROLES = ROLES.filter((role) => role !== 'service');

export interface JwtOptions {
  secret: string;
  issuer?: string | undefined;
  audience?: string | undefined;
}

export interface Authentication {
  viewer: Viewer;
  /** when the token expires (ms since epoch), null without a token or an `exp` */
  expiresAt: number | null;
}

/**
 * The viewer of a request from its `Authorization: Bearer` header: anonymous without one,
 * a 401 UNAUTHENTICATED error when the token is invalid or expired.
 */
export async function authenticate(
  authorization: string | undefined,
  options: JwtOptions,
): Promise<Viewer> {
  return (await authenticateWithExpiry(authorization, options)).viewer;
}

/** As `authenticate`, with the token's expiry: long-lived streams end when it passes. */
export async function authenticateWithExpiry(
  authorization: string | undefined,
  { secret, issuer, audience }: JwtOptions,
): Promise<Authentication> {
  if (!authorization) return { viewer: ANONYMOUS, expiresAt: null };
  const match = /^Bearer\s+(\S+)$/i.exec(authorization);
  if (!match?.[1])
    throw new HttpError(
      401,
      'UNAUTHENTICATED',
      'The Authorization header must be "Bearer <token>".',
    );
  try {
    const { payload } = await jwtVerify(match[1], new TextEncoder().encode(secret), {
      algorithms: ['HS256'],
      ...(issuer ? { issuer } : {}),
      ...(audience ? { audience } : {}),
    });
    const roles = Array.isArray(payload['roles'])
      ? payload['roles'].filter((role): role is Role =>
          (TOKEN_ROLES as readonly unknown[]).includes(role),
        )
      : [];
    return {
      viewer: {
        subject: payload.sub ?? null,
        roles,
        carrierCode: typeof payload['carrier'] === 'string' ? payload['carrier'] : null,
      },
      expiresAt: typeof payload.exp === 'number' ? payload.exp * 1000 : null,
    };
  } catch (error) {
    const message =
      error instanceof errors.JWTExpired ? 'The token has expired.' : 'The token is not valid.';
    throw new HttpError(401, 'UNAUTHENTICATED', message);
  }
}

/** Mints a token (the development helper and tests use it; production tokens come from your IdP). */
export async function signToken({
  secret,
  subject,
  roles,
  carrierCode,
  expiresIn = '12h',
  issuer,
  audience,
}: {
  secret: string;
  subject: string;
  roles: Role[];
  carrierCode?: string;
  expiresIn?: string | number;
  issuer?: string;
  audience?: string;
}): Promise<string> {
  let jwt = new SignJWT({ roles, ...(carrierCode ? { carrier: carrierCode } : {}) })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(subject)
    .setIssuedAt()
    .setExpirationTime(expiresIn);
  if (issuer) jwt = jwt.setIssuer(issuer);
  if (audience) jwt = jwt.setAudience(audience);
  return jwt.sign(new TextEncoder().encode(secret));
}
