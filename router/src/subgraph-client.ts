import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** A subgraph's answer to one POST, its body read whole. */
export interface SubgraphHttpResponse {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A fetch that got no complete answer in time (the client's `timeoutMs`). */
export class SubgraphTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'SubgraphTimeoutError';
  }
}

export interface SubgraphClient {
  /** POSTs `body` and reads the answer; rejects with SubgraphTimeoutError after `timeoutMs` */
  post(url: URL, body: string, headers: Record<string, string>): Promise<SubgraphHttpResponse>;
  /** closes the idle pooled connections */
  close(): void;
}

/**
 * The router's HTTP client to its subgraphs: node's own http module over keep-alive pools, one
 * per scheme, so a fetch reuses an idle connection instead of opening one, and goes through no
 * generic fetch layers (request/response objects, caching, retries) the router does not use.
 * Idle connections close before the subgraph's announced keep-alive timeout (node's agent
 * reads its `Keep-Alive` header), so a pooled connection is not reused as the subgraph drops it.
 */
export function createSubgraphClient({ timeoutMs }: { timeoutMs: number }): SubgraphClient {
  // LIFO: the most recently used connections stay warm, the rest time out when load drops
  const http = new HttpAgent({ keepAlive: true, scheduling: 'lifo' });
  const https = new HttpsAgent({ keepAlive: true, scheduling: 'lifo' });

  return {
    post(url, body, headers) {
      return new Promise((resolve, reject) => {
        let settled = false;
        const settle = (error: Error | null, response?: SubgraphHttpResponse) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          if (error) reject(error);
          else resolve(response!);
        };
        const secure = url.protocol === 'https:';
        const request = (secure ? httpsRequest : httpRequest)(
          url,
          {
            method: 'POST',
            agent: secure ? https : http,
            headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
          },
          (response) => {
            response.setEncoding('utf8');
            let text = '';
            response.on('data', (chunk: string) => (text += chunk));
            response.on('error', (error) => settle(error));
            response.on('aborted', () => settle(new Error('the subgraph closed the connection')));
            response.on('end', () =>
              settle(null, {
                status: response.statusCode ?? 0,
                statusText: response.statusMessage ?? '',
                headers: response.headers,
                body: text,
              }),
            );
          },
        );
        // the whole exchange, connection and body included, is bounded
        const timer = setTimeout(() => {
          const error = new SubgraphTimeoutError(timeoutMs);
          settle(error);
          request.destroy(error);
        }, timeoutMs);
        request.on('error', (error) => settle(error));
        request.end(body);
      });
    },
    close() {
      http.destroy();
      https.destroy();
    },
  };
}
