import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

// a fresh process: this one has loaded whatever the test runner and other files needed
const CHILD = `
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const packages = () => [...new Set(Object.keys(require.cache)
  .map((file) => /node_modules\\/(@opentelemetry\\/[^/]+)\\//.exec(file)?.[1])
  .filter((name) => name !== undefined))].sort();
await import('@ordergraph/shared');
await import('@ordergraph/shared/telemetry');
const { startTestTelemetry } = await import('@ordergraph/shared/testing');
const beforeStart = packages();
await startTestTelemetry('telemetry-loading');
console.log(JSON.stringify({ beforeStart, afterStart: packages() }));
`;

describe('loading the OpenTelemetry SDK', () => {
  it('waits until telemetry starts: importing the library loads the API only', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', CHILD],
      { cwd: packageDir },
    );
    const { beforeStart, afterStart } = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as {
      beforeStart: string[];
      afterStart: string[];
    };
    assert.deepEqual(beforeStart, ['@opentelemetry/api']);
    assert.ok(afterStart.includes('@opentelemetry/sdk-node'), afterStart.join(', '));
    assert.ok(afterStart.includes('@opentelemetry/sdk-trace-base'), afterStart.join(', '));
  });
});
