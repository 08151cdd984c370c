import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, toHeaderMap } from '@ordergraph/shared/http';
import { signViewer } from '@ordergraph/shared/identity';
import { authenticateWithExpiry, type JwtOptions } from '../auth.js';
import { accessOf, readRequirements, refusal } from '../authorization/requirements.js';

// /documents/invoices/<id>.pdf and /documents/credit-notes/<id>.pdf, as pdfUrl gives them
const DOCUMENT_PATH = /^\/documents\/(invoices|credit-notes)\/[0-9a-fA-F-]{36}\.pdf$/;

// what of the owner's answer reaches the client: the document and how to show it
const PASSED_HEADERS = ['content-type', 'content-length', 'content-disposition', 'cache-control'];

export interface DocumentRoute {
  /** whether the path is a document's */
  matches(path: string): boolean;
  /** passes the request on to the orders service, or throws an HttpError */
  handle(request: IncomingMessage, response: ServerResponse, path: string): Promise<void>;
  /** reads the requirement again from a new supergraph */
  reload(supergraphSdl: string): void;
}

/**
 * GET /documents/…: the PDF of an invoice or a credit note (Invoice.pdfUrl), for the viewers
 * who may read the document in the graph. The caller signs in as for /graphql; the router
 * checks the token against `Query.invoice`'s @requiresScopes, then passes the request on
 * signed with the caller's identity, and the orders service, which owns the documents, renders
 * it or refuses it (a customer reads only their own).
 */
export function createDocumentRoute({
  supergraphSdl,
  ordersUrl,
  signingSecret,
  jwt,
}: {
  supergraphSdl: string;
  /** the orders subgraph's GraphQL URL: documents are served beside it */
  ordersUrl: string;
  signingSecret: string;
  jwt: JwtOptions;
}): DocumentRoute {
  const requirementOf = (sdl: string) => readRequirements(sdl).ofField('Query', 'invoice');
  let requirement = requirementOf(supergraphSdl);
  return {
    matches: (path) => path.startsWith('/documents/'),
    reload(sdl) {
      requirement = requirementOf(sdl);
    },
    async handle(request, response, path) {
      if (!DOCUMENT_PATH.test(path)) throw new HttpError(404, 'NOT_FOUND', 'No such document.');
      if (request.method !== 'GET') throw new HttpError(405, 'METHOD_NOT_ALLOWED', 'Use GET.');
      const headers = toHeaderMap(request);
      const { viewer, scopes } = await authenticateWithExpiry(headers.get('authorization'), jwt);
      const refused = refusal(requirement, accessOf(viewer, scopes));
      if (refused === 'UNAUTHENTICATED') {
        throw new HttpError(401, refused, 'Sign in to read this document.');
      }
      if (refused) throw new HttpError(403, refused, 'You may not read this document.');
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
      // a document is a few dozen kilobytes: read whole, then sent
      const body = Buffer.from(await upstream.arrayBuffer());
      response.writeHead(upstream.status, passed);
      response.end(body);
    },
  };
}
