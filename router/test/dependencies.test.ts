import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '@ordergraph/shared/paths';
import { ESLint } from 'eslint';

const run = promisify(execFile);

// records every module a fresh process resolves, one URL a line, written before it loads
const RECORDER = `
import { appendFileSync } from 'node:fs';
let file;
export function initialize(data) { file = data.file; }
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(file, resolved.url + '\\n');
  return resolved;
}`;

/** The modules a new process loads for `entries` (paths under router/src). */
async function modulesLoadedBy(entries: string[]): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'router-modules-'));
  const file = join(dir, 'resolved.txt');
  const script = `
    import { register } from 'node:module';
    register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(RECORDER)}), {
      data: { file: ${JSON.stringify(file)} },
    });
    for (const entry of ${JSON.stringify(entries)}) await import(entry);
  `;
  try {
    await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: join(PROJECT_ROOT, 'router'),
    });
    return (await readFile(file, 'utf8')).split('\n').filter(Boolean);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('the router’s dependencies', () => {
  it('loads no subgraph, no database and no subgraph library, the sandbox included', async () => {
    const entries = ['server.ts', 'config.ts', 'sandbox/index.ts'].map((path) =>
      join(PROJECT_ROOT, 'router', 'src', path),
    );
    const loaded = await modulesLoadedBy(entries);
    // the recorder saw the router itself load: an empty list would prove nothing
    assert.ok(loaded.some((url) => url.endsWith('/router/src/http/routes.ts')));
    assert.ok(loaded.some((url) => url.endsWith('/subgraphs/shared/src/http-host.ts')));
    const forbidden = loaded.filter((url) =>
      /\/subgraphs\/(customers|catalog|orders|inventory|shipments)\/|\/subgraphs\/shared\/src\/index\.ts$|\/node_modules\/(@electric-sql\/pglite|drizzle-orm|postgres|@apollo\/subgraph)\//.test(
        url,
      ),
    );
    assert.deepEqual(forbidden, []);
  });

  it('is kept honest by the linter, which leaves tests free', async () => {
    const eslint = new ESLint({ cwd: PROJECT_ROOT });
    const refusals = async (filePath: string, code: string) => {
      const [result] = await eslint.lintText(code, { filePath: join(PROJECT_ROOT, filePath) });
      return (result?.messages ?? [])
        .filter((message) => message.ruleId === 'no-restricted-imports')
        .map((message) => message.message.split('. ')[0]);
    };
    const line = (from: string) => `export { x } from '${from}';\n`;
    assert.deepEqual(await refusals('router/src/x.ts', line('@ordergraph/shared')), [
      "'@ordergraph/shared' import is restricted from being used",
      "'@ordergraph/shared' import is restricted from being used by a pattern",
    ]);
    assert.deepEqual(await refusals('router/src/x.ts', line('@ordergraph/customers/seed')), [
      "'@ordergraph/customers/seed' import is restricted from being used by a pattern",
    ]);
    assert.deepEqual(await refusals('router/src/x.ts', line('@ordergraph/shared/http')), []);
    assert.deepEqual(
      await refusals('subgraphs/orders/src/x.ts', line('../../catalog/src/seed.js')),
      ["'../../catalog/src/seed.js' import is restricted from being used by a pattern"],
    );
    assert.deepEqual(await refusals('subgraphs/orders/src/x.ts', line('@ordergraph/catalog')), [
      "'@ordergraph/catalog' import is restricted from being used by a pattern",
    ]);
    assert.deepEqual(await refusals('subgraphs/shared/src/x.ts', line('@ordergraph/orders')), [
      "'@ordergraph/orders' import is restricted from being used by a pattern",
    ]);
    assert.deepEqual(
      await refusals('subgraphs/orders/test/x.test.ts', line('@ordergraph/catalog')),
      [],
    );
  });
});
