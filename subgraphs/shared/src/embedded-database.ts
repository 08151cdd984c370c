import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

/**
 * PostgreSQL's settings for an embedded database: one developer's data, so buffers far below
 * the server defaults PGlite starts with (shared_buffers 128 MB), which each of the five
 * embedded databases would otherwise fill in its own process's memory.
 */
const EMBEDDED_SETTINGS: Record<string, string> = {
  shared_buffers: '16MB',
  temp_buffers: '2MB',
  work_mem: '2MB',
  maintenance_work_mem: '16MB',
  wal_buffers: '1MB',
};

// passed at every start (not written into the data directory), so they hold for data
// directories made before them too
const START_PARAMS = [
  ...PGlite.defaultStartParams,
  ...Object.entries(EMBEDDED_SETTINGS).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
];

/** how long a template lock may stand before it is taken for the leftover of a killed start */
const STALE_LOCK_MS = 5 * 60_000;

const pgliteEntry = createRequire(import.meta.url).resolve('@electric-sql/pglite');

/** the installed PGlite's version: its template is named by it, so an upgrade makes a new one */
const PGLITE_VERSION = (
  JSON.parse(readFileSync(join(dirname(pgliteEntry), '..', 'package.json'), 'utf8')) as {
    version: string;
  }
).version;
const TEMPLATE_NAME = `.pglite-template-${PGLITE_VERSION}`;

// Node's WebAssembly global, which the compiler's libraries here (no DOM) leave undeclared
declare const WebAssembly: { compile(bytes: Uint8Array): Promise<object> };

let compiledPostgres: Promise<object> | undefined;

/**
 * PostgreSQL's WebAssembly, compiled once per process: the subgraphs sharing a process open their
 * databases side by side, and PGlite keeps a compiled module only once its first one is done, so
 * each would otherwise compile (and keep the machine code of) a copy of its own.
 */
const postgresModule = () =>
  (compiledPostgres ??= readFile(join(dirname(pgliteEntry), 'pglite.wasm')).then((bytes) =>
    WebAssembly.compile(bytes),
  ));

const isCluster = (dir: string) => existsSync(join(dir, 'PG_VERSION'));
/** the PostgreSQL major version a cluster was made by (its PG_VERSION file) */
const clusterMajor = (dir: string) => readFileSync(join(dir, 'PG_VERSION'), 'utf8').trim();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What happened to a data directory made by an older PostgreSQL than PGlite's own. */
export interface SetAside {
  dataDir: string;
  /** where the old cluster now is, untouched */
  backup: string;
  /** the PostgreSQL major version that made it, and the one PGlite runs */
  found: string;
  expected: string;
}

export interface OpenEmbeddedOptions {
  /**
   * told when an existing data directory was made by another PostgreSQL major version (PGlite
   * 0.5 was PostgreSQL 18): PGlite cannot open it, nor dump it, so it is moved aside and a new
   * empty one made in its place
   */
  onSetAside?: (event: SetAside) => void;
}

/**
 * Opens an embedded PostgreSQL (PGlite): in memory without `dataDir`, else in that directory,
 * created on first use. A new directory is a copy of one empty cluster kept beside it
 * (`.pglite-template-<version>`): initdb runs once for all the services sharing the parent
 * directory, instead of once each, and in a worker thread, so that the memory it takes (some
 * 600 MB of WebAssembly heap) goes away with the worker instead of staying in the service's
 * process.
 */
export async function openEmbeddedDatabase(
  dataDir?: string,
  { onSetAside }: OpenEmbeddedOptions = {},
): Promise<PGlite> {
  const pgliteWasmModule = await postgresModule();
  if (!dataDir) return PGlite.create({ startParams: START_PARAMS, pgliteWasmModule });
  const template = await ensureTemplate(dirname(dataDir));
  if (isCluster(dataDir)) {
    const found = clusterMajor(dataDir);
    const expected = clusterMajor(template);
    if (found !== expected) {
      const backup = setAside(dataDir, found);
      onSetAside?.({ dataDir, backup, found, expected });
    }
  }
  if (!isCluster(dataDir)) copyEmptyCluster(template, dataDir);
  return PGlite.create({ dataDir, startParams: START_PARAMS, pgliteWasmModule });
}

/** Moves an old cluster to a free `<name>-postgres<major>-backup[-n]` beside it. */
function setAside(dataDir: string, major: string): string {
  const base = `${dataDir}-postgres${major}-backup`;
  let backup = base;
  for (let n = 2; existsSync(backup); n++) backup = `${base}-${n}`;
  renameSync(dataDir, backup);
  return backup;
}

/**
 * The empty cluster of the installed PGlite in `parent`, made when missing; templates of other
 * PGlite versions are removed (their clusters are of no use to this one).
 */
async function ensureTemplate(parent: string): Promise<string> {
  const template = join(parent, TEMPLATE_NAME);
  const lock = `${template}.lock`;
  mkdirSync(parent, { recursive: true });
  if (isCluster(template)) return template;
  // the services start side by side: one makes the template, the others wait for it
  while (!isCluster(template)) {
    if (takeLock(lock)) {
      try {
        if (!isCluster(template)) await makeTemplate(template);
      } finally {
        rmSync(lock, { recursive: true, force: true });
      }
    } else {
      await sleep(200);
    }
  }
  for (const entry of readdirSync(parent)) {
    if (/^\.pglite-template(-\d+\.\d+\.\d+)?$/.test(entry) && entry !== TEMPLATE_NAME) {
      rmSync(join(parent, entry), { recursive: true, force: true });
    }
  }
  return template;
}

/** Fills `dataDir` with a copy of the empty cluster `template`. */
function copyEmptyCluster(template: string, dataDir: string): void {
  const parent = dirname(dataDir);
  // copied beside the target and renamed: a start killed half way leaves no half cluster
  const partial = join(parent, `.${basename(dataDir)}.copying-${process.pid}`);
  rmSync(partial, { recursive: true, force: true });
  cpSync(template, partial, { recursive: true });
  rmSync(dataDir, { recursive: true, force: true });
  renameSync(partial, dataDir);
}

function takeLock(lock: string): boolean {
  try {
    mkdirSync(lock);
    return true;
  } catch {
    try {
      if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) {
        rmSync(lock, { recursive: true, force: true });
      }
    } catch {
      // released meanwhile
    }
    return false;
  }
}

/** Runs initdb into `template` in a worker thread, its memory released when the worker ends. */
async function makeTemplate(template: string): Promise<void> {
  const building = `${template}.building-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  const pglite = pathToFileURL(pgliteEntry);
  const code = `
    import(${JSON.stringify(pglite.href)}).then(async ({ PGlite }) => {
      const db = await PGlite.create({ dataDir: ${JSON.stringify(building)} });
      await db.close();
    });`;
  await new Promise<void>((resolve, reject) => {
    const worker = new Worker(code, { eval: true });
    worker.once('error', reject);
    worker.once('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`initdb of the embedded database failed (${code})`)),
    );
  });
  if (!isCluster(building)) throw new Error('initdb of the embedded database made no cluster');
  renameSync(building, template);
}
