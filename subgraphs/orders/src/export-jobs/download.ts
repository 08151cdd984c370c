import type { ServerResponse } from 'node:http';
import { HttpError, type Database, type Viewer } from '@ordergraph/shared';
import { canReadExportJob, jobIdOfDownloadPath } from './access.js';
import { createExportJobsRepository } from './jobs.repository.js';
import { CONTENT_TYPES, EXTENSIONS, type ExportRowSource } from './row-source.js';

// a client gone away ends the wait too
const drained = (response: ServerResponse) =>
  new Promise<void>((resolve) => {
    response.once('drain', resolve);
    response.once('close', resolve);
  });

/** chunks read per statement while a file streams: a few pages of rows in memory at most */
const CHUNKS_PER_READ = 4;

/**
 * Serves an export's file at GET /exports/<id>/download, streamed chunk by chunk from the
 * database: for whoever may read the job (see access.ts), once it SUCCEEDED and until it
 * expires. The router authenticates the caller and passes the request on, signed.
 */
export function createExportDownload({
  db,
  sources,
}: {
  db: Database;
  sources: readonly ExportRowSource<any>[];
}) {
  const repository = createExportJobsRepository({ db });
  return async ({
    path,
    method,
    viewer,
    response,
  }: {
    path: string;
    method: string;
    viewer: Viewer;
    response: ServerResponse;
  }): Promise<void> => {
    if (method !== 'GET') throw new HttpError(405, 'METHOD_NOT_ALLOWED', 'Use GET.');
    if (viewer.roles.length === 0) throw new HttpError(401, 'UNAUTHENTICATED', 'Sign in first.');
    const jobId = jobIdOfDownloadPath(path);
    const job = jobId ? await repository.findById(jobId) : null;
    if (!job) throw new HttpError(404, 'NOT_FOUND', 'There is no such export.');
    if (!canReadExportJob(viewer, job)) {
      throw new HttpError(
        403,
        'FORBIDDEN',
        'Only who started an export, or an admin, may download it.',
      );
    }
    const expired =
      job.status === 'EXPIRED' || (job.expiresAt !== null && job.expiresAt.getTime() <= Date.now());
    if (expired) throw new HttpError(410, 'EXPIRED', 'The export has expired: start another one.');
    if (job.status !== 'SUCCEEDED') {
      throw new HttpError(409, 'NOT_READY', `The export is ${job.status}, not ready to download.`);
    }
    const baseName = sources.find((source) => source.kind === job.kind)?.fileName ?? job.kind;
    response.writeHead(200, {
      'content-type': CONTENT_TYPES[job.format],
      'content-disposition': `attachment; filename="${baseName}-${job.id}.${EXTENSIONS[job.format]}"`,
      'cache-control': 'private, no-store',
    });
    for (let seq = 0; seq < job.chunkCount; seq += CHUNKS_PER_READ) {
      const chunks = await repository.chunks({
        jobId: job.id,
        fromSeq: seq,
        limit: CHUNKS_PER_READ,
      });
      for (const chunk of chunks) {
        // a slow client holds the stream, not the memory: wait until it has taken the chunk
        if (!response.write(chunk.data)) await drained(response);
      }
      if (response.destroyed) return;
    }
    response.end();
  };
}

export type ExportDownload = ReturnType<typeof createExportDownload>;
