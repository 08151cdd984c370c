import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testLogger } from '@ordergraph/shared/testing';
import { loadConfig } from '../src/config.js';
import { createSender, createSmtpSender, parseSmtpUrl } from '../src/senders.js';

const log = testLogger('customers');

describe('configuration', () => {
  it('follows the orders and shipments services on their default ports, and logs notifications', () => {
    const config = loadConfig({});
    assert.deepEqual(
      {
        ordersUrl: config.ORDERS_URL,
        shipmentsUrl: config.SHIPMENTS_URL,
        smtpUrl: config.SMTP_URL,
        smtpFrom: config.SMTP_FROM,
      },
      {
        ordersUrl: 'http://127.0.0.1:4003/graphql',
        shipmentsUrl: 'http://127.0.0.1:4005/graphql',
        smtpUrl: undefined,
        smtpFrom: undefined,
      },
    );
    assert.equal(createSender({ smtpUrl: undefined, smtpFrom: undefined, log }).channel, 'LOG');
  });

  it("reads the producers' URLs and the SMTP settings", () => {
    const config = loadConfig({
      ORDERS_URL: 'http://orders:4003/graphql',
      SHIPMENTS_URL: 'http://shipments:4005/graphql',
      SMTP_URL: 'smtps://mailer:s3cret@mail.example.com',
      SMTP_FROM: 'Ordergraph <orders@example.com>',
    });
    assert.equal(config.ORDERS_URL, 'http://orders:4003/graphql');
    assert.equal(config.SHIPMENTS_URL, 'http://shipments:4005/graphql');
    const sender = createSender({ smtpUrl: config.SMTP_URL, smtpFrom: config.SMTP_FROM, log });
    assert.equal(sender.channel, 'EMAIL');
  });

  it('fails fast, naming the variable, on bad SMTP settings', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [
        { SMTP_URL: 'http://mail.example.com' },
        /SMTP_URL: an SMTP URL must start with smtp:\/\/ or smtps:\/\//,
      ],
      [{ SMTP_URL: 'mail.example.com' }, /SMTP_URL: an SMTP URL must be a URL/],
      [{ SMTP_URL: 'smtp://mail.example.com' }, /SMTP_FROM: required when SMTP_URL is set/],
      [
        { SMTP_URL: 'smtp://mail.example.com', SMTP_FROM: 'orders' },
        /SMTP_FROM: must be an e-mail address/,
      ],
      [{ ORDERS_URL: 'not a url' }, /ORDERS_URL/],
    ];
    for (const [env, message] of cases) {
      assert.throws(() => loadConfig(env), message, JSON.stringify(env));
    }
  });
});

describe('the SMTP sender', () => {
  it('reads host, port, TLS and credentials from the URL', () => {
    assert.deepEqual(parseSmtpUrl('smtp://mail.example.com'), {
      host: 'mail.example.com',
      port: 587,
      secure: false,
    });
    assert.deepEqual(parseSmtpUrl('smtps://mailer:p%40ss%3Aword@mail.example.com'), {
      host: 'mail.example.com',
      port: 465,
      secure: true,
      auth: { user: 'mailer', pass: 'p@ss:word' },
    });
    assert.deepEqual(parseSmtpUrl('smtp://apikey:k@127.0.0.1:2525'), {
      host: '127.0.0.1',
      port: 2525,
      secure: false,
      auth: { user: 'apikey', pass: 'k' },
    });
  });

  it('is built without connecting, and e-mails through the configured server', () => {
    const sender = createSmtpSender({
      url: 'smtp://mailer:secret@mail.example.com:25',
      from: 'orders@example.com',
    });
    assert.equal(sender.channel, 'EMAIL');
    assert.deepEqual(sender.options, {
      host: 'mail.example.com',
      port: 25,
      secure: false,
      auth: { user: 'mailer', pass: 'secret' },
    });
  });

  it('refuses a sender without a from address', () => {
    assert.throws(
      () => createSender({ smtpUrl: 'smtp://mail.example.com', smtpFrom: undefined, log }),
      /SMTP_FROM is required with SMTP_URL/,
    );
  });
});
