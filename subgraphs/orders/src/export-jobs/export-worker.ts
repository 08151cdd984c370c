/**
 * The entry of an export's worker thread (worker-run.ts starts it): writes one job's pages over
 * a small pool of its own, under the lease the service holds, and says how it ended. Its heap
 * is capped by the thread's resource limits, so the garbage of the pages stays within them
 * whatever the service's own heap does.
 */
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { connectDatabase, fenceOfLease, LeaseLostError } from '@ordergraph/shared/core';
import { writeExportPages, type ExportLog } from './page-writer.js';
import type {
  ExportLogLevel,
  ExportSourcesModule,
  ExportWorkerData,
  FromExportWorker,
  ToExportWorker,
} from './worker-protocol.js';

const port = parentPort!;
const data = workerData as ExportWorkerData;
const post = (message: FromExportWorker) => port.postMessage(message);

// one logger per process: lines go to the service's, which adds the job's fields
const line = (level: ExportLogLevel) => (fields: Record<string, unknown>, message: string) => {
  const sent = { ...fields, threadId };
  try {
    post({ type: 'log', level, fields: sent, message });
  } catch {
    // a field that cannot be cloned: the line without its fields
    post({ type: 'log', level, fields: { threadId }, message });
  }
};
const log: ExportLog = { info: line('info'), warn: line('warn'), error: line('error') };

const stopping = new AbortController();
port.on('message', (message: ToExportWorker) => {
  if (message.type === 'stop') stopping.abort();
});

const handle = connectDatabase({
  url: data.databaseUrl,
  maxConnections: data.maxConnections,
  preparedStatements: data.preparedStatements,
});
let done: FromExportWorker;
try {
  const { createExportSources } = (await import(data.sourcesModule)) as ExportSourcesModule;
  const sources = Object.values(createExportSources({ db: handle.db, settings: data.settings }));
  const source = sources.find((candidate) => candidate.kind === data.job.kind);
  if (!source) throw new Error(`No export writes "${data.job.kind}" rows.`);
  const outcome = await writeExportPages({
    db: handle.db,
    lease: fenceOfLease(data.lease),
    job: data.job,
    source,
    settings: data.pages,
    log,
    signal: stopping.signal,
  });
  done = { type: 'done', outcome };
} catch (error) {
  done =
    error instanceof LeaseLostError
      ? { type: 'done', outcome: 'lease-lost' }
      : { type: 'done', outcome: 'error', error };
} finally {
  await handle.close().catch(() => {});
}
try {
  post(done);
} catch {
  // an error that cannot be cloned goes as its message
  const error = 'error' in done ? done.error : undefined;
  const message = error instanceof Error ? error.message : String(error);
  post({ type: 'done', outcome: 'error', error: new Error(message) });
}
