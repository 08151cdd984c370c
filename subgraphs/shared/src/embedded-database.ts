import { cpSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
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

const isCluster = (dir: string) => existsSync(join(dir, 'PG_VERSION'));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Opens an embedded PostgreSQL (PGlite): in memory without `dataDir`, else in that directory,
 * created on first use. A new directory is a copy of one empty cluster kept beside it
 * (`.pglite-template`): initdb runs once for all the services sharing the parent directory,
 * instead of once each, and in a worker thread, so that the memory it takes (some 600 MB of
 * WebAssembly heap) goes away with the worker instead of staying in the service's process.
 */
export async function openEmbeddedDatabase(dataDir?: string): Promise<PGlite> {
  if (!dataDir) return PGlite.create({ startParams: START_PARAMS });
  if (!isCluster(dataDir)) await copyEmptyCluster(dataDir);
  return PGlite.create({ dataDir, startParams: START_PARAMS });
}

/** Fills `dataDir` with a copy of the empty cluster template, making the template if need be. */
async function copyEmptyCluster(dataDir: string): Promise<void> {
  const parent = dirname(dataDir);
  const template = join(parent, '.pglite-template');
  const lock = `${template}.lock`;
  mkdirSync(parent, { recursive: true });
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
  const pglite = pathToFileURL(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
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
