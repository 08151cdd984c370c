import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HttpError } from '@ordergraph/shared';
import { SignJWT } from 'jose';
import { authenticate, signToken, type JwtOptions } from '../src/auth.js';

const secret = 'a-test-secret-of-enough-length';
const options: JwtOptions = { secret, issuer: undefined, audience: undefined };

describe('authenticate', () => {
  it('is anonymous without an Authorization header', async () => {
    assert.deepEqual(await authenticate(undefined, options), { subject: null, roles: [] });
  });

  it('reads subject, roles and carrier from a valid token', async () => {
    const token = await signToken({
      secret,
      subject: 'c-1',
      roles: ['customer'],
      carrierCode: 'ups',
    });
    assert.deepEqual(await authenticate(`Bearer ${token}`, options), {
      subject: 'c-1',
      roles: ['customer'],
      carrierCode: 'ups',
    });
  });

  it('never grants the internal service role from a token', async () => {
    const token = await new SignJWT({ roles: ['service', 'staff'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('x')
      .sign(new TextEncoder().encode(secret));
    assert.deepEqual((await authenticate(`Bearer ${token}`, options)).roles, ['staff']);
  });

  const rejects = async (authorization: string, message: string, opts = options) => {
    await assert.rejects(authenticate(authorization, opts), (error: unknown) => {
      assert.ok(error instanceof HttpError);
      assert.equal(error.status, 401);
      assert.equal(error.code, 'UNAUTHENTICATED');
      assert.equal(error.message, message);
      return true;
    });
  };

  it('refuses an expired token', async () => {
    const token = await signToken({ secret, subject: 'c-1', roles: ['customer'], expiresIn: -10 });
    await rejects(`Bearer ${token}`, 'The token has expired.');
  });

  it('refuses a token signed with another secret, a malformed one, and a wrong scheme', async () => {
    const token = await signToken({
      secret: 'another-secret-of-enough-length',
      subject: 'c',
      roles: [],
    });
    await rejects(`Bearer ${token}`, 'The token is not valid.');
    await rejects('Bearer not.a.jwt', 'The token is not valid.');
    await rejects(`Basic ${token}`, 'The Authorization header must be "Bearer <token>".');
  });

  it('checks issuer and audience when configured', async () => {
    const token = await signToken({
      secret,
      subject: 'c',
      roles: [],
      issuer: 'us',
      audience: 'graph',
    });
    const viewer = await authenticate(`Bearer ${token}`, {
      secret,
      issuer: 'us',
      audience: 'graph',
    });
    assert.equal(viewer.subject, 'c');
    await rejects(`Bearer ${token}`, 'The token is not valid.', {
      secret,
      issuer: 'them',
      audience: 'graph',
    });
  });

  it('refuses a token that is not yet valid', async () => {
    const token = await new SignJWT({ roles: [] })
      .setProtectedHeader({ alg: 'HS256' })
      .setNotBefore(Math.floor(Date.now() / 1000) + 3600)
      .sign(new TextEncoder().encode(secret));
    await rejects(`Bearer ${token}`, 'The token is not valid.');
  });
});
