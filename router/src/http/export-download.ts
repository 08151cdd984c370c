import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HttpError, toHeaderMap } from '@ordergraph/shared/http';
import { signViewer } from '@ordergraph/shared/identity';
import { authenticate, type JwtOptions } from '../auth.js';

/** the path of an export's file, as ExportJob.downloadUrl gives it */
const DOWNLOAD_PATH = /^\/exports\/[0-9a-fA-F-]{36}\/download$/;

// what of the owner's answer reaches the client: the file and how to save it, nothing else
const PASSED_HEADERS = ['content-type', 'content-disposition', 'cache-control'];

/**
 * GET /exports/<id>/download: the file of an export job, streamed from the orders service
 * (which owns export jobs) to the caller. The caller signs in as for /graphql (a bearer token);
 * the router passes the request on signed with the caller's identity, and the orders service
 * decides who may read the file.
 */
export function createExportDownload({
  ordersUrl,
  signingSecret,
  jwt,
}: {
  /** the orders subgraph's GraphQL URL: the file is served beside it */
  ordersUrl: string;
  signingSecret: string;
  jwt: JwtOptions;
}) {
  return {
    matches: (path: string) => DOWNLOAD_PATH.test(path),
    async handle(request: IncomingMessage, response: ServerResponse, path: string) {
      if (request.method !== 'GET') throw new HttpError(405, 'METHOD_NOT_ALLOWED', 'Use GET.');
      const headers = toHeaderMap(request);
      const viewer = await authenticate(headers.get('authorization'), jwt);
      if (viewer.roles.length === 0) {
        throw new HttpError(401, 'UNAUTHENTICATED', 'Sign in to download an export.');
      }
      const requestId = headers.get('x-request-id');
      const upstream = await fetch(new URL(path, ordersUrl), {
        headers: {
          ...signViewer(viewer, { secret: signingSecret }),
          ...(requestId ? { 'x-request-id': requestId } : {}),
        },
      }).catch(() => {
        throw new HttpError(502, 'SERVICE_UNAVAILABLE', 'The orders service is unreachable.');
      });
      const passed: Record<string, string> = {};
      for (const name of PASSED_HEADERS) {
        const value = upstream.headers.get(name);
        if (value) passed[name] = value;
      }
      response.writeHead(upstream.status, passed);
      if (!upstream.body) return void response.end();
      // streamed as it comes: the router holds no more of the file than the socket buffers
      await pipeline(Readable.fromWeb(upstream.body as never), response);
    },
  };
}
