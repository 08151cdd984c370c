import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** The browser code of the sandbox (GraphiQL and its plugins), bundled by esbuild. */
export const SANDBOX_SOURCE_DIR = join(here, 'client');
/** Where the bundle goes: `sandbox.js`, `sandbox.css` and a stamp of what they were built from. */
export const SANDBOX_ASSETS_DIR = join(here, '../../dist/sandbox');
const STAMP_FILE = 'stamp.json';

// the bundle changes with our sources and with the versions of what it bundles
const BUNDLED_PACKAGES = [
  'graphiql',
  '@graphiql/plugin-explorer',
  'graphql-ws',
  'react',
  'monaco-editor',
  'monaco-graphql',
];

/**
 * The web workers of GraphiQL's editor (Monaco), each bundled on its own and served beside the
 * page: `MonacoEnvironment` in `client/workers.ts` starts them by these names.
 */
const WORKERS: Record<string, string> = {
  'editor.worker': 'monaco-editor/esm/vs/editor/editor.worker.js',
  'json.worker': 'monaco-editor/esm/vs/language/json/json.worker.js',
  'graphql.worker': 'monaco-graphql/esm/graphql.worker.js',
};
/** The files of a built sandbox, by the path the router serves them at. */
export const SANDBOX_FILES = [
  'sandbox.js',
  'sandbox.css',
  ...Object.keys(WORKERS).map((name) => `${name}.js`),
];

/** A hash of everything the bundle is made from; a different hash means a stale bundle. */
export function sourceStamp(): string {
  const hash = createHash('sha256');
  // how it is bundled counts too
  hash.update(readFileSync(fileURLToPath(import.meta.url)));
  for (const file of readdirSync(SANDBOX_SOURCE_DIR).sort()) {
    hash.update(file).update(readFileSync(join(SANDBOX_SOURCE_DIR, file)));
  }
  for (const name of BUNDLED_PACKAGES) {
    const { version } = JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8'));
    hash.update(`${name}@${version}`);
  }
  return hash.digest('hex');
}

/** True when the bundle exists and was built from the current sources. */
export function isSandboxFresh(outdir = SANDBOX_ASSETS_DIR): boolean {
  const stampFile = join(outdir, STAMP_FILE);
  if (!existsSync(stampFile)) return false;
  return JSON.parse(readFileSync(stampFile, 'utf8')).stamp === sourceStamp();
}

/**
 * Bundles the sandbox into `outdir`. It builds in a sibling directory and swaps it in, so a
 * router serving the old bundle never sees half a new one.
 */
export async function buildSandbox(outdir = SANDBOX_ASSETS_DIR): Promise<void> {
  // esbuild is a development dependency: imported only when a build is needed
  const esbuild = await import('esbuild');
  const staging = `${outdir}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  const stamp = sourceStamp();
  await esbuild.build({
    entryPoints: {
      sandbox: join(SANDBOX_SOURCE_DIR, 'main.ts'),
      ...Object.fromEntries(
        Object.entries(WORKERS).map(([name, module]) => [name, require.resolve(module)]),
      ),
    },
    outdir: staging,
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    sourcemap: false,
    logLevel: 'silent',
    legalComments: 'none',
    define: { 'process.env.NODE_ENV': '"production"' },
    loader: { '.woff': 'dataurl', '.woff2': 'dataurl', '.svg': 'dataurl', '.ttf': 'dataurl' },
    plugins: [singleCopies()],
  });
  writeFileSync(join(staging, STAMP_FILE), JSON.stringify({ stamp }) + '\n');
  mkdirSync(dirname(outdir), { recursive: true });
  rmSync(outdir, { recursive: true, force: true });
  renameSync(staging, outdir);
}

/** Builds the sandbox unless a fresh bundle is already there; true when it built. */
export async function ensureSandboxBuilt(outdir = SANDBOX_ASSETS_DIR): Promise<boolean> {
  if (isSandboxFresh(outdir)) return false;
  await buildSandbox(outdir);
  return true;
}

// one copy of each React library in the bundle, or hooks and contexts break: the plugins must
// share graphiql's @graphiql/react (its store) even when their ranges drift apart, and
// react-compiler-runtime (hoisted to the root) would find another workspace's React
function singleCopies() {
  const graphiqlDir = dirname(require.resolve('graphiql/package.json'));
  const resolveDirs: [RegExp, string][] = [
    [/^@graphiql\/react$/, graphiqlDir],
    [/^react(-dom)?(\/.*)?$/, SANDBOX_SOURCE_DIR],
  ];
  return {
    name: 'single-copies',
    setup(build: import('esbuild').PluginBuild) {
      build.onResolve({ filter: /^(@graphiql\/react|react|react-dom)(\/.*)?$/ }, async (args) => {
        const resolveDir = resolveDirs.find(([pattern]) => pattern.test(args.path))?.[1];
        if (!resolveDir || args.pluginData === 'single-copies') return undefined;
        return build.resolve(args.path, {
          kind: args.kind,
          resolveDir,
          pluginData: 'single-copies',
        });
      });
    },
  };
}
