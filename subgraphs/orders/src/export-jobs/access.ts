import { hasRole, type Viewer } from '@ordergraph/shared';
import type { ExportJobRow } from '../db/export-jobs.js';

/** An export (its job and its file) is for the staff member who started it, and for admins. */
export const canReadExportJob = (viewer: Viewer, job: Pick<ExportJobRow, 'requestedBy'>) =>
  hasRole(viewer, 'admin') ||
  (hasRole(viewer, 'staff') && viewer.subject !== null && viewer.subject === job.requestedBy);

/** The path of a job's file on the router, which passes the download on to this service. */
export const downloadPathOf = (jobId: string) => `/exports/${jobId}/download`;

/** The job id of a download path, or null when the path is not one. */
export function jobIdOfDownloadPath(path: string): string | null {
  const match = /^\/exports\/([0-9a-fA-F-]{36})\/download$/.exec(path);
  return match?.[1]?.toLowerCase() ?? null;
}
