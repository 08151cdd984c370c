import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { serverAudits } from 'graphql-http';
import { startStack, type Stack } from './support/stack.js';

/**
 * The GraphQL-over-HTTP spec audit of the `graphql-http` package against the router: every
 * MUST passes; the SHOULDs that do not are listed in docs/partners.md with the reason.
 */
describe('GraphQL over HTTP conformance', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack?.stop());

  it('passes every MUST of the graphql-http server audit', async () => {
    const failures: string[] = [];
    const warnings: string[] = [];
    for (const audit of serverAudits({ url: () => stack.routerUrl })) {
      const result = await audit.fn();
      if (result.status === 'error') failures.push(`${audit.name}: ${result.reason}`);
      else if (result.status !== 'ok') warnings.push(`${audit.name}: ${result.reason}`);
    }
    if (warnings.length > 0 && process.env['SHOW_AUDIT_WARNINGS']) {
      console.log(`SHOULDs not met:\n  ${warnings.join('\n  ')}`);
    }
    assert.deepEqual(failures, []);
  });
});
