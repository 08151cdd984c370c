import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type HTTPGraphQLResponse } from '@apollo/server';

/** Largest request body accepted, in bytes. */
export const MAX_BODY_BYTES = 1_000_000;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Reads a request body up to `limit` bytes; a larger one is a 413. */
export async function readBody(request: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpError(413, 'PAYLOAD_TOO_LARGE', 'Request body is too large.');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Parses a JSON body; malformed JSON is a 400 with code BAD_REQUEST. */
export function parseJsonBody(text: string, contentType: string | undefined): unknown {
  if (!contentType?.includes('json') || text === '') return text === '' ? undefined : text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'BAD_REQUEST', 'The request body is not valid JSON.');
  }
}

export function toHeaderMap(request: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

/** A GraphQL-shaped error response for failures before execution. */
export function sendGraphQLError(response: ServerResponse, error: HttpError): void {
  sendJson(response, error.status, {
    errors: [{ message: error.message, extensions: { code: error.code } }],
  });
}

/** Writes an Apollo Server HTTP response (complete or incremental) to Node's response. */
export async function writeGraphQLResponse(
  response: ServerResponse,
  result: HTTPGraphQLResponse,
  extraHeaders: Record<string, string> = {},
): Promise<void> {
  for (const [name, value] of result.headers) response.setHeader(name, value);
  for (const [name, value] of Object.entries(extraHeaders)) response.setHeader(name, value);
  response.statusCode = result.status ?? 200;
  if (result.body.kind === 'complete') {
    response.end(result.body.string);
    return;
  }
  for await (const chunk of result.body.asyncIterator) response.write(chunk);
  response.end();
}
