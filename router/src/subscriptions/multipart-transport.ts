import type { ServerResponse } from 'node:http';
import type { ExecutionResult } from 'graphql';

const BOUNDARY = 'graphql';

/** whether the client asks for subscriptions over multipart HTTP (Apollo Client, Kotlin, iOS) */
export const acceptsMultipartSubscription = (accept: string | undefined) =>
  !!accept && /multipart\/mixed/i.test(accept) && /subscriptionSpec/i.test(accept);

/**
 * Streams a subscription as multipart/mixed parts (`{"payload": result}` each) with `{}`
 * heartbeats, the protocol Apollo's clients speak; ends when the stream or the client does.
 */
export async function streamMultipart(
  response: ServerResponse,
  results: AsyncIterableIterator<ExecutionResult>,
  {
    heartbeatMs = 5_000,
    headers = {},
  }: { heartbeatMs?: number; headers?: Record<string, string> } = {},
): Promise<void> {
  response.writeHead(200, {
    ...headers,
    'content-type': `multipart/mixed;boundary="${BOUNDARY}";subscriptionSpec="1.0"`,
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  response.write(`\r\n--${BOUNDARY}`);
  const writePart = (body: unknown) =>
    response.write(
      `\r\ncontent-type: application/json; charset=utf-8\r\n\r\n${JSON.stringify(body)}\r\n--${BOUNDARY}`,
    );
  const heartbeat = setInterval(() => writePart({}), heartbeatMs);
  const stop = () => void results.return?.();
  response.once('close', stop);
  // a client that hangs up mid-write is the normal end of a stream, not a failure
  response.on('error', stop);
  try {
    for await (const result of results) {
      if (response.destroyed) break;
      writePart({ payload: result });
    }
  } catch (error) {
    if (!response.destroyed) throw error;
  } finally {
    clearInterval(heartbeat);
    response.off('close', stop);
    if (!response.destroyed) response.end('--\r\n');
  }
}
