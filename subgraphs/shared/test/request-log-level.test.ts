import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { requestLogLevel, SLOW_REQUEST_MS } from '../src/logger.js';

describe('the level of a request’s log line', () => {
  it('logs what did something at info: a mutation, an error, a slow read', () => {
    assert.equal(requestLogLevel({ mutation: true, errors: 0, durationMs: 5 }), 'info');
    assert.equal(requestLogLevel({ mutation: false, errors: 1, durationMs: 5 }), 'info');
    assert.equal(
      requestLogLevel({ mutation: false, errors: 0, durationMs: SLOW_REQUEST_MS }),
      'info',
    );
  });

  it('logs a quick read, and a long poll however long it waited, at debug', () => {
    assert.equal(requestLogLevel({ mutation: false, errors: 0, durationMs: 20 }), 'debug');
    assert.equal(
      requestLogLevel({ mutation: false, errors: 0, durationMs: 10_000, longPoll: true }),
      'debug',
    );
  });

  it('still logs a long poll that failed at info', () => {
    assert.equal(
      requestLogLevel({ mutation: false, errors: 1, durationMs: 10_000, longPoll: true }),
      'info',
    );
  });
});
