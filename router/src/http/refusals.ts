import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { HttpError } from '@ordergraph/shared/http';

// how long the rest of a refused body is read before the answer goes anyway
const DRAIN_TIMEOUT_MS = 5_000;

/**
 * Runs `answer` once the request's body has been read to its end (the rest read and dropped):
 * a client still sending a body the router refused would otherwise get a reset connection
 * instead of the answer, since Node closes a connection whose request was not read whole.
 * After DRAIN_TIMEOUT_MS the answer goes regardless.
 */
export function afterRequestBody(request: IncomingMessage, answer: () => void): void {
  if (request.complete || request.destroyed) return answer();
  let answered = false;
  const once = () => {
    if (answered) return;
    answered = true;
    clearTimeout(timer);
    answer();
  };
  const timer = setTimeout(once, DRAIN_TIMEOUT_MS);
  timer.unref();
  request.once('end', once);
  request.once('error', once);
  request.resume();
}

/**
 * Answers the requests Node's HTTP parser refuses (a request line or headers too large,
 * malformed HTTP) with a 4xx and a GraphQL error body, written whole before the connection
 * closes, instead of Node's bare answer.
 */
export function answerMalformedRequests(server: Server): void {
  server.on('clientError', (error: Error & { code?: string }, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, reason, message] =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large', 'The request line or headers are too large.']
        : error.code === 'HPE_HEADERS_TIMEOUT' || error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'Request Timeout', 'The request took too long to arrive.']
          : [400, 'Bad Request', 'The request is not valid HTTP.'];
    const body = JSON.stringify({ errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] });
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json; charset=utf-8\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
}

/**
 * Refuses a body announced larger than `maxBytes` (its content-length) with 413 before any of
 * it is read, so the answer can wait for the rest to arrive (see afterRequestBody); a body
 * without a length is still cut off where the reading hits the limit.
 */
export function assertDeclaredBodyWithin(request: IncomingMessage, maxBytes: number): void {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > maxBytes) {
    throw new HttpError(413, 'PAYLOAD_TOO_LARGE', 'Request body is too large.');
  }
}
