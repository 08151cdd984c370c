import { setTimeout as sleep } from 'node:timers/promises';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { transaction, type DatabaseHandle, type Lease } from '@ordergraph/shared';
import type { ExportJobRow } from '../db/export-jobs.js';
import { createExportJobsRepository } from './jobs.repository.js';
import type { ExportLog, PageSettings, PagesOutcome } from './page-writer.js';
import type { ExportWorkerData, FromExportWorker, ToExportWorker } from './worker-protocol.js';

/**
 * The heap of an export's thread: its pages' garbage is collected within these, while the
 * service's own heap keeps Node's sizing (issue 18; measured in docs/orders.md).
 */
export const EXPORT_WORKER_LIMITS: ResourceLimits = {
  // the thread's code and a page hold about 16 MB at their peak: 16 ran out of memory
  maxOldGenerationSizeMb: 24,
  // small: a page's garbage is scavenged often rather than piled up
  maxYoungGenerationSizeMb: 2,
};

/** Where and how an export's pages are written off the service's thread (PostgreSQL only). */
export interface ExportWorkerOptions {
  /** the service's PostgreSQL URL: the thread opens a small pool of its own on it */
  databaseUrl: string;
  /** the module whose `createExportSources` builds the row sources in the thread */
  sourcesModule: URL;
  /** what those sources need besides the database: plain values (URLs, the signing secret) */
  settings: unknown;
  /** the thread's heap limits; EXPORT_WORKER_LIMITS unless given */
  resourceLimits?: ResourceLimits | undefined;
  /** the connections of the thread's pool: one for the pages, one spare */
  maxConnections?: number | undefined;
  preparedStatements?: boolean | undefined;
}

/** how long a thread told to stop may take to finish its page before it is terminated */
const STOP_GRACE_MS = 5_000;

/** How a thread ended: as the pages did, or with an error it caught, or dead (`crashed`). */
type Ended =
  | { outcome: PagesOutcome | 'lease-lost' }
  | { outcome: 'error'; error: unknown }
  | { outcome: 'crashed'; error: Error };

/**
 * The URL of a module beside the one at `of` (an import.meta.url), with its extension:
 * TypeScript under tsx in development and tests, JavaScript once built.
 */
export function siblingModule(name: string, of: string): URL {
  return new URL(`./${name}${new URL(of).pathname.endsWith('.ts') ? '.ts' : '.js'}`, of);
}

function startThread(workerData: ExportWorkerData, resourceLimits: ResourceLimits): Worker {
  const entry = siblingModule('export-worker', import.meta.url);
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, { workerData, resourceLimits });
  // Node 20 runs none of the parent's --import hooks in a worker: under tsx the thread
  // registers tsx before it loads its TypeScript entry
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((tsx) => {
    tsx.register();
    return import(${JSON.stringify(entry.href)});
  });`;
  return new Worker(boot, { eval: true, workerData, resourceLimits });
}

/** Runs one thread to its end; `signal` asks it to stop after its page, then terminates it. */
function runThread({
  data,
  resourceLimits,
  log,
  signal,
}: {
  data: ExportWorkerData;
  resourceLimits: ResourceLimits;
  log: ExportLog;
  signal: AbortSignal;
}): Promise<Ended> {
  return new Promise((resolve) => {
    const thread = startThread(data, resourceLimits);
    log.info({ threadId: thread.threadId }, 'writing an export in a worker thread');
    let ended: Ended | null = null;
    let failure: Error | null = null;
    let deadline: NodeJS.Timeout | undefined;
    const stop = () => {
      thread.postMessage({ type: 'stop' } satisfies ToExportWorker);
      deadline = setTimeout(() => void thread.terminate(), STOP_GRACE_MS);
    };
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
    thread.on('message', (message: FromExportWorker) => {
      if (message.type === 'log') {
        log[message.level](message.fields, message.message);
        return;
      }
      ended = message;
      // its pool is closed: nothing is left in it to wait for
      void thread.terminate();
    });
    thread.on('error', (error) => {
      failure = error;
    });
    thread.on('exit', (code) => {
      clearTimeout(deadline);
      signal.removeEventListener('abort', stop);
      resolve(
        ended ?? {
          outcome: 'crashed',
          error: failure ?? new Error(`the thread exited with code ${code}`),
        },
      );
    });
  });
}

/**
 * Writes a begun job's pages in a worker thread (export-worker.ts) and waits for it: the same
 * pages, fence and retries as in the service's thread (page-writer.ts), over the thread's own
 * pool. A thread that dies (out of memory, say) counts as a failed page: the job records why
 * and a new thread resumes at its last committed page after the backoff, until `maxFailures`
 * in a row FAIL the job. Stopping (`signal`) lets the thread finish its page, and the job
 * stays RUNNING for the next run to resume.
 */
export async function writeInWorker({
  handle,
  worker,
  lease,
  leaseName,
  job: begun,
  settings,
  log,
  signal,
}: {
  handle: DatabaseHandle;
  worker: ExportWorkerOptions;
  lease: Lease;
  leaseName: string;
  job: ExportJobRow;
  settings: PageSettings;
  log: ExportLog;
  signal: AbortSignal;
}): Promise<PagesOutcome> {
  const {
    databaseUrl,
    sourcesModule,
    resourceLimits = EXPORT_WORKER_LIMITS,
    maxConnections = 2,
    preparedStatements = true,
  } = worker;
  let job = begun;
  for (;;) {
    const ended = await runThread({
      data: {
        databaseUrl,
        maxConnections,
        preparedStatements,
        sourcesModule: sourcesModule.href,
        settings: worker.settings,
        lease: { name: leaseName, token: lease.token },
        job,
        pages: settings,
      },
      resourceLimits,
      log,
      signal,
    });
    switch (ended.outcome) {
      case 'written':
      case 'failed':
      case 'stopped':
        return ended.outcome;
      case 'lease-lost':
        // the same check on this thread: the holder learns of the loss and stops its work
        await lease.fence(handle.db);
        return 'stopped';
      case 'error':
        // as on the service's thread: the drain fails and is retried
        throw ended.error;
      case 'crashed':
        break;
    }
    if (signal.aborted) return 'stopped';
    const now = await createExportJobsRepository({ db: handle.db }).findById(job.id);
    if (!now || now.status === 'SUCCEEDED') return 'written';
    if (now.status !== 'RUNNING') return 'failed';
    const failures = now.failures + 1;
    const failed = failures >= settings.maxFailures;
    const reason = `The export's worker thread stopped: ${ended.error.message}`;
    log.error({ err: ended.error, failures }, 'an export worker thread died');
    await transaction(handle.db, async (tx) => {
      await lease.fence(tx);
      await createExportJobsRepository({ db: tx }).recordFailure({
        id: job.id,
        error: reason,
        failed,
      });
    });
    if (failed) return 'failed';
    job = { ...now, failures };
    await sleep(settings.retryDelayMs * 2 ** (failures - 1), undefined, { signal }).catch(() => {});
  }
}
