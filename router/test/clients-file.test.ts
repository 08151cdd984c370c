import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { HttpError, PROJECT_ROOT } from '@ordergraph/shared';
import { createCallerResolver } from '../src/clients/callers.js';
import { hashApiKey, parseClientsFile, readClientsFile } from '../src/clients/clients-file.js';

const partner = {
  name: 'partner-acme',
  roles: ['carrier'],
  carrierCode: 'FASTSHIP',
  policy: 'safelist',
  apiKeys: [{ sha256: hashApiKey('the-partner-key') }],
};

describe('clients file', () => {
  it('reads the example file of the repository', () => {
    const file = readClientsFile(join(PROJECT_ROOT, 'config/clients.example.json'));
    assert.ok(file.clients.length > 0);
  });

  it('refuses keys in clear, duplicate names and duplicate keys', () => {
    assert.throws(
      () =>
        parseClientsFile({ clients: [{ ...partner, apiKeys: [{ sha256: 'the-partner-key' }] }] }),
      /sha256/,
    );
    assert.throws(() => parseClientsFile({ clients: [partner, partner] }), /used twice/);
    assert.throws(() => parseClientsFile({ clients: [{ ...partner, policy: 'anything' }] }));
    assert.throws(() => parseClientsFile({ clients: [{ ...partner, roles: ['service'] }] }));
  });

  it('binds a carrier client to one carrier code, and only a carrier client', () => {
    const { carrierCode: _code, ...unbound } = partner;
    assert.throws(
      () => parseClientsFile({ clients: [unbound] }),
      /carrier role but no carrierCode/,
    );
    assert.throws(
      () => parseClientsFile({ clients: [{ ...partner, roles: ['staff'] }] }),
      /carrierCode but not the carrier role/,
    );
  });

  it('maps a key to its client: the client name goes into the viewer', () => {
    const callers = createCallerResolver(parseClientsFile({ clients: [partner] }));
    const anonymous = { subject: null, roles: [] };
    assert.deepEqual(callers.identify('the-partner-key', anonymous), {
      viewer: {
        subject: null,
        roles: ['carrier'],
        carrierCode: 'FASTSHIP',
        client: 'partner-acme',
      },
      client: 'partner-acme',
      policy: 'safelist',
    });
    // a user signed in through the partner keeps their own roles
    const user = { subject: 'c-1', roles: ['customer' as const] };
    assert.deepEqual(callers.identify('the-partner-key', user).viewer, {
      ...user,
      client: 'partner-acme',
    });
    assert.deepEqual(callers.identify(undefined, user), {
      viewer: user,
      client: null,
      policy: 'open',
    });
    assert.throws(
      () => callers.identify('a-wrong-key', anonymous),
      (error) => error instanceof HttpError && error.status === 401,
    );
  });

  it('applies the default policy to requests without a key', () => {
    const callers = createCallerResolver(parseClientsFile({ defaultPolicy: 'safelist' }));
    assert.equal(callers.identify(undefined, { subject: null, roles: [] }).policy, 'safelist');
  });
});
