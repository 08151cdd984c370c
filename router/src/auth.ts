import type { webcrypto } from 'node:crypto';
import { HttpError } from '@ordergraph/shared/http';
import { ANONYMOUS, ROLES, type Role, type Viewer } from '@ordergraph/shared/identity';
import { LRUCache } from 'lru-cache';
import {
  createRemoteJWKSet,
  errors,
  jwtVerify,
  SignJWT,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';

// roles a token may carry; 'service' is for calls between our own services only
const TOKEN_ROLES = ROLES.filter((role) => role !== 'service');

/** The asymmetric algorithms a JWKS-verified token may use unless configured otherwise. */
export const DEFAULT_JWKS_ALGORITHMS = ['RS256', 'ES256'] as const;

/** Where the public keys of user tokens come from when an identity provider signs them. */
export interface JwksOptions {
  url: string;
  /** the algorithms a token may be signed with (default RS256 and ES256) */
  algorithms?: readonly string[] | undefined;
  /** the least time between two fetches caused by an unknown key id (default 30 s) */
  cooldownMs?: number | undefined;
  /** how long fetched keys are used before they are fetched again (default 10 min) */
  maxAgeMs?: number | undefined;
}

export interface JwtOptions {
  /** the HS256 secret; not used for user tokens when `jwks` is set */
  secret: string;
  issuer?: string | undefined;
  audience?: string | undefined;
  /** verify tokens with the keys of a JWKS URL instead of the secret */
  jwks?: JwksOptions | undefined;
  /** the time `exp` and `nbf` are checked against (ms since the epoch); tests pass their own */
  now?: (() => number) | undefined;
}

export interface Authentication {
  viewer: Viewer;
  /** when the token expires (ms since epoch), null without a token or an `exp` */
  expiresAt: number | null;
  /** the token's `scope` claim, split on spaces (the viewer's roles are scopes too) */
  scopes: string[];
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

/** As `authenticate`, with the token's expiry and scopes: long-lived streams end when it passes. */
export async function authenticateWithExpiry(
  authorization: string | undefined,
  options: JwtOptions,
): Promise<Authentication> {
  if (!authorization) return { viewer: ANONYMOUS, expiresAt: null, scopes: [] };
  const match = /^Bearer\s+(\S+)$/i.exec(authorization);
  if (!match?.[1])
    throw new HttpError(
      401,
      'UNAUTHENTICATED',
      'The Authorization header must be "Bearer <token>".',
    );
  const payload = await verify(match[1], options);
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
      // shown as who did it on timelines and stock movements
      ...(typeof payload['name'] === 'string' ? { name: payload['name'] } : {}),
    },
    expiresAt: typeof payload.exp === 'number' ? payload.exp * 1000 : null,
    scopes: typeof payload['scope'] === 'string' ? payload['scope'].split(' ').filter(Boolean) : [],
  };
}

/** How long a verified token's claims are kept before its signature is checked again. */
export const VERIFIED_TOKEN_TTL_MS = 60_000;

// the claims of HS256 tokens verified lately, per configuration: a client sends the same token
// with every request, and checking its signature each time was the largest single cost of the
// router's own work for a one-subgraph query. With a fixed secret a token verified once stays
// valid until its `exp`, which is checked on every use, so this changes no answer. JWKS tokens
// are verified every time: a key withdrawn from the set must stop being accepted at once
const verifiedTokens = new WeakMap<JwtOptions, LRUCache<string, JWTPayload>>();

async function verify(token: string, options: JwtOptions): Promise<JWTPayload> {
  if (options.jwks) return verifySignature(token, options);
  let cache = verifiedTokens.get(options);
  if (!cache) {
    cache = new LRUCache({ max: 10_000, ttl: VERIFIED_TOKEN_TTL_MS });
    verifiedTokens.set(options, cache);
  }
  const known = cache.get(token);
  if (known) {
    // as jose decides it: expired once `exp` (seconds) is not after now
    if (
      typeof known.exp === 'number' &&
      known.exp <= Math.floor((options.now ?? Date.now)() / 1000)
    ) {
      cache.delete(token);
      throw new HttpError(401, 'UNAUTHENTICATED', 'The token has expired.');
    }
    return known;
  }
  const payload = await verifySignature(token, options);
  cache.set(token, payload);
  return payload;
}

// jose checks the signature, `alg` against the allowed list (`none` is never allowed),
// `exp` and `nbf` (no clock tolerance), and `iss`/`aud` when they are configured
async function verifySignature(token: string, { secret, issuer, audience, jwks, now }: JwtOptions) {
  const claims = {
    ...(issuer ? { issuer } : {}),
    ...(audience ? { audience } : {}),
    ...(now ? { currentDate: new Date(now()) } : {}),
  };
  try {
    const { payload } = jwks
      ? await jwtVerify(token, keySetOf(jwks), {
          ...claims,
          algorithms: [...(jwks.algorithms ?? DEFAULT_JWKS_ALGORITHMS)],
        })
      : await jwtVerify(token, await hmacKeyOf(secret), {
          ...claims,
          algorithms: ['HS256'],
        });
    return payload as JWTPayload;
  } catch (error) {
    if (error instanceof errors.JWTExpired) {
      throw new HttpError(401, 'UNAUTHENTICATED', 'The token has expired.');
    }
    // the key server did not answer: the token may be fine, the caller may retry
    if (error instanceof errors.JWKSTimeout || !(error instanceof errors.JOSEError)) {
      throw new HttpError(
        503,
        'SERVICE_UNAVAILABLE',
        'The keys that sign tokens could not be fetched.',
      );
    }
    throw new HttpError(401, 'UNAUTHENTICATED', 'The token is not valid.');
  }
}

// the HS256 key, imported once per secret: importing it again for every token was half of a
// verification's CPU time
const hmacKeys = new Map<string, Promise<webcrypto.CryptoKey>>();

function hmacKeyOf(secret: string): Promise<webcrypto.CryptoKey> {
  let key = hmacKeys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['verify'],
    );
    hmacKeys.set(secret, key);
  }
  return key;
}

// one key set per JWKS configuration for the process: jose caches the keys, fetches them again
// when they are older than maxAge, and on a key id it does not know (at most once per cooldown)
const keySets = new Map<string, JWTVerifyGetKey>();

function keySetOf({ url, cooldownMs = 30_000, maxAgeMs = 600_000 }: JwksOptions) {
  const key = `${url} ${cooldownMs} ${maxAgeMs}`;
  let keySet = keySets.get(key);
  if (!keySet) {
    keySet = createRemoteJWKSet(new URL(url), {
      cooldownDuration: cooldownMs,
      cacheMaxAge: maxAgeMs,
    });
    keySets.set(key, keySet);
  }
  return keySet;
}

/** Mints a token (the development helper and tests use it; production tokens come from your IdP). */
export async function signToken({
  secret,
  subject,
  roles,
  carrierCode,
  name,
  expiresIn = '12h',
  issuer,
  audience,
}: {
  secret: string;
  subject: string;
  roles: Role[];
  carrierCode?: string;
  /** the user's display name (the `name` claim) */
  name?: string;
  expiresIn?: string | number;
  issuer?: string;
  audience?: string;
}): Promise<string> {
  let jwt = new SignJWT({
    roles,
    ...(carrierCode ? { carrier: carrierCode } : {}),
    ...(name ? { name } : {}),
  })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(subject)
    .setIssuedAt()
    .setExpirationTime(expiresIn);
  if (issuer) jwt = jwt.setIssuer(issuer);
  if (audience) jwt = jwt.setAudience(audience);
  return jwt.sign(new TextEncoder().encode(secret));
}
