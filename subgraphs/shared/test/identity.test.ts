import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HeaderMap } from '@apollo/server';
import { signViewer, verifyViewer, type Viewer } from '../src/identity.js';

const secret = 'a-signing-secret-for-tests';
const viewer: Viewer = { subject: 'c-1', roles: ['customer'], carrierCode: null, client: null };
const headersOf = (record: Record<string, string>) => {
  const map = new HeaderMap();
  for (const [k, v] of Object.entries(record)) map.set(k, v);
  return map;
};

describe('signed identity headers', () => {
  it('round-trips a viewer', () => {
    assert.deepEqual(verifyViewer(headersOf(signViewer(viewer, { secret })), { secret }), viewer);
  });

  it('refuses a tampered viewer, a wrong secret, a stale signature and missing headers', () => {
    const signed = signViewer(viewer, { secret });
    const forged = Buffer.from(JSON.stringify({ ...viewer, roles: ['staff'] })).toString(
      'base64url',
    );
    assert.equal(
      verifyViewer(headersOf({ ...signed, 'x-ordergraph-viewer': forged }), { secret }),
      null,
    );
    assert.equal(verifyViewer(headersOf(signed), { secret: 'another-secret-entirely' }), null);
    const old = signViewer(viewer, { secret, now: Date.now() - 10 * 60_000 });
    assert.equal(verifyViewer(headersOf(old), { secret }), null);
    assert.equal(verifyViewer(headersOf({}), { secret }), null);
  });

  it('drops unknown roles', () => {
    const signed = signViewer({ subject: 'x', roles: ['staff', 'root' as never] }, { secret });
    assert.deepEqual(verifyViewer(headersOf(signed), { secret })?.roles, ['staff']);
  });
});
