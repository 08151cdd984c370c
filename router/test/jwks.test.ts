import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  exportJWK,
  generateKeyPair,
  SignJWT,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from 'jose';
import type { Router, RouterOptions } from '../src/server.js';
import { ADA } from './support/fixtures.js';
import { manualClock } from './support/manual-clock.js';
import { JWT_SECRET, startStack, type Stack } from './support/stack.js';

const ISSUER = 'https://id.example.test/';
const AUDIENCE = 'ordergraph';

interface SigningKey {
  kid: string;
  alg: 'RS256' | 'ES256';
  privateKey: CryptoKey;
  jwk: JWK;
}

async function signingKey(kid: string, alg: SigningKey['alg']): Promise<SigningKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg);
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** A JWKS endpoint whose keys the test changes, counting how often it is fetched. */
function startJwksServer(): Promise<{
  url: string;
  keys: JWK[];
  fetches: () => number;
  close: () => Promise<void>;
}> {
  const state = { keys: [] as JWK[], fetches: 0 };
  const server: Server = createServer((_request, response) => {
    state.fetches++;
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ keys: state.keys }));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
        get keys() {
          return state.keys;
        },
        set keys(keys: JWK[]) {
          state.keys = keys;
        },
        fetches: () => state.fetches,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

const customerClaims = { roles: ['customer'] };

async function sign(
  key: { privateKey: CryptoKey | Uint8Array; kid?: string; alg: string },
  {
    payload = customerClaims,
    subject = ADA,
    issuer = ISSUER,
    audience = AUDIENCE,
    expiresIn = '5m',
    notBefore,
  }: {
    payload?: JWTPayload;
    subject?: string;
    issuer?: string;
    audience?: string;
    expiresIn?: string | number;
    notBefore?: string | number;
  } = {},
): Promise<string> {
  let jwt = new SignJWT(payload)
    .setProtectedHeader({ alg: key.alg, ...(key.kid ? { kid: key.kid } : {}) })
    .setSubject(subject)
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime(expiresIn);
  if (notBefore !== undefined) jwt = jwt.setNotBefore(notBefore);
  return jwt.sign(key.privateKey);
}

/**
 * An unsigned token (`alg: none`) claiming everything a valid one would, which no verifier
 * may accept.
 */
function forgedUnsignedToken(): string {
  const claims: JWTPayload = {
    sub: ADA,
    roles: ['customer'],
    iss: ISSUER,
    aud: AUDIENCE,
    exp: 4_000_000_000,
  };
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}

async function whoAmI(url: string, token: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: '{ me { id } }' }),
  });
  return {
    status: response.status,
    body: (await response.json()) as {
      data?: { me: { id: string } | null };
      errors?: { message: string; extensions: { code: string } }[];
    },
  };
}

const assertAccepted = async (url: string, token: string) => {
  const { status, body } = await whoAmI(url, token);
  assert.equal(status, 200, JSON.stringify(body));
  assert.deepEqual(body.data, { me: { id: ADA } });
};

const assertRefused = async (url: string, token: string, message = 'The token is not valid.') => {
  const { status, body } = await whoAmI(url, token);
  assert.equal(status, 401, JSON.stringify(body));
  assert.deepEqual(body.errors, [{ message, extensions: { code: 'UNAUTHENTICATED' } }]);
};

let stack: Stack;
let jwks: Awaited<ReturnType<typeof startJwksServer>>;
const routers: Router[] = [];
const startRouter = async (options: Partial<RouterOptions>) => {
  const started = await stack.startExtraRouter(options);
  routers.push(started.router);
  return started.url;
};

before(async () => {
  stack = await startStack();
  jwks = await startJwksServer();
});
after(async () => {
  for (const router of routers) await router.stop();
  await jwks.close();
  await stack.stop();
});

describe('HS256 tokens (the default)', () => {
  let url: string;
  const secret = { privateKey: new TextEncoder().encode(JWT_SECRET), alg: 'HS256' };
  before(async () => {
    url = await startRouter({ jwtIssuer: ISSUER, jwtAudience: AUDIENCE });
  });

  it('accepts a token signed with the secret, for the configured issuer and audience', async () => {
    await assertAccepted(url, await sign(secret));
  });

  it('refuses expired, wrongly signed, wrong-audience, wrong-issuer and unsigned tokens', async () => {
    await assertRefused(url, await sign(secret, { expiresIn: '-1m' }), 'The token has expired.');
    const otherSecret = {
      privateKey: new TextEncoder().encode('another-secret-long-enough'),
      alg: 'HS256',
    };
    await assertRefused(url, await sign(otherSecret));
    await assertRefused(url, await sign(secret, { audience: 'someone-else' }));
    await assertRefused(url, await sign(secret, { issuer: 'https://evil.example.test/' }));
    await assertRefused(url, forgedUnsignedToken());
  });

  it('refuses a token that is not valid yet (nbf in the future)', async () => {
    await assertRefused(url, await sign(secret, { notBefore: '10m' }));
  });

  it('refuses an RS256 token: the secret mode allows HS256 only', async () => {
    const key = await signingKey('rsa-lone', 'RS256');
    await assertRefused(url, await sign(key));
  });

  it('refuses a token accepted before once its exp has passed (verified claims are kept)', async () => {
    // the router's own clock, moved by the test: no waiting, whatever the machine's speed
    const clock = manualClock();
    const timed = await startRouter({ jwtIssuer: ISSUER, jwtAudience: AUDIENCE, clock });
    const exp = Math.floor(clock.now() / 1000) + 60;
    const token = await sign(secret, { expiresIn: exp });
    await assertAccepted(timed, token);
    clock.advance((exp - 1) * 1000 - clock.now());
    await assertAccepted(timed, token);
    clock.advance(1000);
    await assertRefused(timed, token, 'The token has expired.');
  });
});

describe('tokens verified through a JWKS URL', () => {
  let rsa: SigningKey;
  let ec: SigningKey;
  let url: string;
  before(async () => {
    rsa = await signingKey('rsa-1', 'RS256');
    ec = await signingKey('ec-1', 'ES256');
    jwks.keys = [rsa.jwk, ec.jwk];
    url = await startRouter({
      jwtIssuer: ISSUER,
      jwtAudience: AUDIENCE,
      // no cooldown: an unknown key id fetches the keys again at once
      jwks: { url: jwks.url, cooldownMs: 0 },
    });
  });

  it('accepts RS256 and ES256 tokens, fetching the keys once and caching them', async () => {
    const before = jwks.fetches();
    await assertAccepted(url, await sign(rsa));
    await assertAccepted(url, await sign(ec));
    await assertAccepted(url, await sign(rsa));
    assert.equal(jwks.fetches() - before, 1);
  });

  it('refuses expired, wrongly signed, wrong-audience, not-yet-valid and unsigned tokens', async () => {
    await assertRefused(url, await sign(rsa, { expiresIn: '-1m' }), 'The token has expired.');
    // signed by another key under a known key id
    const impostor = await signingKey('rsa-1', 'RS256');
    await assertRefused(url, await sign(impostor));
    await assertRefused(url, await sign(ec, { audience: 'someone-else' }));
    await assertRefused(url, await sign(ec, { issuer: 'https://evil.example.test/' }));
    await assertRefused(url, await sign(rsa, { notBefore: '10m' }));
    await assertRefused(url, forgedUnsignedToken());
  });

  it('refuses HS256 tokens once a JWKS URL is configured', async () => {
    const secret = { privateKey: new TextEncoder().encode(JWT_SECRET), alg: 'HS256' };
    await assertRefused(url, await sign(secret));
  });

  it('follows a key rotation: an unknown key id fetches the keys again', async () => {
    const rotated = await signingKey('rsa-2', 'RS256');
    const token = await sign(rotated);
    const before = jwks.fetches();
    // not published yet: fetched again, still unknown, refused
    await assertRefused(url, token);
    assert.equal(jwks.fetches() - before, 1);
    jwks.keys = [rotated.jwk, ec.jwk];
    await assertAccepted(url, token);
    assert.equal(jwks.fetches() - before, 2);
    // the new keys are cached: no fetch for known key ids, and the retired key is gone
    await assertAccepted(url, await sign(rotated));
    await assertAccepted(url, await sign(ec));
    assert.equal(jwks.fetches() - before, 2);
    await assertRefused(url, await sign(rsa));
  });
});

describe('JWKS settings', () => {
  it('refuses a token whose algorithm is not allowed, even with a published key', async () => {
    const rsa = await signingKey('rsa-only-1', 'RS256');
    const ec = await signingKey('ec-not-allowed', 'ES256');
    jwks.keys = [rsa.jwk, ec.jwk];
    const url = await startRouter({
      jwtIssuer: ISSUER,
      jwtAudience: AUDIENCE,
      jwks: { url: jwks.url, algorithms: ['RS256'], cooldownMs: 1 },
    });
    await assertAccepted(url, await sign(rsa));
    await assertRefused(url, await sign(ec));
  });

  it('fetches at most once per cooldown for unknown key ids', async () => {
    const known = await signingKey('cooldown-known', 'ES256');
    jwks.keys = [known.jwk];
    const url = await startRouter({
      jwtIssuer: ISSUER,
      jwtAudience: AUDIENCE,
      jwks: { url: jwks.url, cooldownMs: 60_000 },
    });
    const before = jwks.fetches();
    await assertAccepted(url, await sign(known));
    for (let attempt = 0; attempt < 3; attempt++) {
      await assertRefused(url, await sign(await signingKey(`unknown-${attempt}`, 'ES256')));
    }
    assert.equal(jwks.fetches() - before, 1);
  });
});
