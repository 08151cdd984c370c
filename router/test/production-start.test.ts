import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { PROJECT_ROOT } from '@ordergraph/shared';

// `npm start` in production as a deployment runs it: `npm run build`, then NODE_ENV=production,
// every service the compiled JavaScript under plain node (no tsx), on free ports; the production
// smoke script waits for the router's /ready, sends the five-subgraph query as a demo customer
// and stops everything with Ctrl-C, failing on a wrong answer or an unclean exit. Its databases
// are its own on TEST_DATABASE_URL's server, embedded in a temporary folder without one.

function run(command: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: PROJECT_ROOT, env: process.env });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

describe('npm start in production', () => {
  // a build and six processes' start on a shared machine: beyond the suite's five minutes
  const timeout = 600_000;
  it(
    'runs the compiled supergraph, answers a federated query and stops cleanly',
    { timeout },
    async () => {
      const build = await run('npm', ['run', 'build']);
      assert.equal(build.code, 0, build.output);
      const smoke = await run(process.execPath, [
        '--import',
        'tsx',
        'scripts/smoke.ts',
        '--production',
      ]);
      assert.equal(smoke.code, 0, smoke.output);
      assert.match(smoke.output, /ordergraph is running: http:\/\/127\.0\.0\.1:\d+\/graphql/);
      assert.match(smoke.output, /smoke test passed/);
    },
  );
});
