import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { HttpError, signViewer, type Logger } from '@ordergraph/shared';
import { authenticateWithExpiry, type JwtOptions } from '../auth.js';
import { accessOf, readRequirements, refusal } from '../authorization/requirements.js';
import type { SubgraphClient } from '../subgraph-client.js';

// /documents/invoices/<id>.pdf and /documents/credit-notes/<id>.pdf, as Invoice.pdfUrl says
const DOCUMENT_PATH = /^\/documents\/(invoices|credit-notes)\/([0-9a-f-]{36})\.pdf$/;

const KINDS = { invoices: 'INVOICE', 'credit-notes': 'CREDIT_NOTE' } as const;

const QUERY = `query DocumentPdf($kind: BillingDocumentKind!, $id: ID!) {
  billingDocumentPdf(kind: $kind, id: $id) }`;

export interface DocumentRoute {
  /** whether the path is a document's */
  matches(path: string): boolean;
  /** answers the PDF, or throws an HttpError */
  handle(request: IncomingMessage, response: ServerResponse, path: string): Promise<void>;
  /** reads the requirement again from a new supergraph */
  reload(supergraphSdl: string): void;
}

/**
 * Serves the PDFs of invoices and credit notes (Invoice.pdfUrl) to the viewers who may read the
 * document in the graph: the caller's bearer token is checked here against `Query.invoice`'s
 * @requiresScopes, then the orders service, asked with the caller's signed identity, renders
 * the document or refuses it (a customer reads only their own).
 */
export function createDocumentRoute({
  supergraphSdl,
  ordersUrl,
  signingSecret,
  jwt,
  client,
  log,
}: {
  supergraphSdl: string;
  ordersUrl: string;
  signingSecret: string;
  jwt: JwtOptions;
  client: SubgraphClient;
  log: Logger;
}): DocumentRoute {
  const requirementOf = (sdl: string) => readRequirements(sdl).ofField('Query', 'invoice');
  let requirement = requirementOf(supergraphSdl);
  const url = new URL(ordersUrl);
  return {
    matches: (path) => path.startsWith('/documents/'),
    reload(sdl) {
      requirement = requirementOf(sdl);
    },
    async handle(request, response, path) {
      const match = DOCUMENT_PATH.exec(path);
      if (!match) throw new HttpError(404, 'NOT_FOUND', 'No document has this address.');
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        throw new HttpError(405, 'METHOD_NOT_ALLOWED', 'Documents are read with GET.');
      }
      const { viewer, scopes } = await authenticateWithExpiry(request.headers.authorization, jwt);
      const refused = refusal(requirement, accessOf(viewer, scopes));
      if (refused === 'UNAUTHENTICATED') {
        throw new HttpError(401, refused, 'Sign in to read this document.');
      }
      if (refused) throw new HttpError(403, refused, 'You may not read this document.');
      const [, kind, id] = match as unknown as [string, keyof typeof KINDS, string];
      const requestId = randomUUID();
      const answer = await client.post(
        url,
        JSON.stringify({ query: QUERY, variables: { kind: KINDS[kind], id } }),
        {
          'content-type': 'application/json',
          'x-request-id': requestId,
          ...signViewer(viewer, { secret: signingSecret }),
        },
        { retryOnStaleConnection: true },
      );
      const body = JSON.parse(answer.body) as {
        data?: { billingDocumentPdf: string | null } | null;
        errors?: { message: string; extensions?: { code?: string } }[];
      };
      const code = body.errors?.[0]?.extensions?.code;
      if (code === 'FORBIDDEN') throw new HttpError(403, code, 'You may not read this document.');
      if (body.errors?.length) {
        log.error({ requestId, errors: body.errors }, 'rendering a document failed');
        throw new HttpError(502, 'BAD_GATEWAY', 'The document could not be rendered.');
      }
      const pdf = body.data?.billingDocumentPdf;
      if (!pdf) throw new HttpError(404, 'NOT_FOUND', 'No document has this address.');
      const bytes = Buffer.from(pdf, 'base64');
      response.writeHead(200, {
        'content-type': 'application/pdf',
        'content-length': bytes.length,
        'content-disposition': `inline; filename="${id}.pdf"`,
        // one viewer's document: never kept by a shared cache
        'cache-control': 'private, no-store',
        'x-request-id': requestId,
      });
      response.end(request.method === 'HEAD' ? undefined : bytes);
    },
  };
}
